// clientAddress and the CIDR list behind AUTH_TRUSTED_PROXIES (shared/presentation).
#include "shared/presentation/client_address.hpp"

#include <gtest/gtest.h>

namespace authd::http {
namespace {

std::vector<Cidr> loopback() { return *parseCidrList("127.0.0.0/8, ::1/128"); }

TEST(ClientAddressTest, WithoutTrustTheForwardedHeaderIsIgnored) {
  EXPECT_EQ(clientAddress("127.0.0.1", "203.0.113.9", false, loopback()), "127.0.0.1");
}

TEST(ClientAddressTest, TakesTheRightMostEntryThatIsNotATrustedProxy) {
  const auto trusted = *parseCidrList("127.0.0.0/8,10.0.0.0/8");
  EXPECT_EQ(clientAddress("127.0.0.1", "198.51.100.1, 203.0.113.9, 10.1.2.3", true, trusted),
            "203.0.113.9");
  // A client that forges the left part cannot pick its address.
  EXPECT_EQ(clientAddress("127.0.0.1", "1.2.3.4, 203.0.113.9", true, trusted), "203.0.113.9");
  // Only trusted hops: the left-most is the client.
  EXPECT_EQ(clientAddress("127.0.0.1", "10.0.0.1, 10.0.0.2", true, trusted), "10.0.0.1");
}

TEST(ClientAddressTest, AnUntrustedPeerIsTheClientWhateverItForwards) {
  EXPECT_EQ(clientAddress("203.0.113.50", "198.51.100.1", true, loopback()), "203.0.113.50");
}

TEST(ClientAddressTest, AnEntryThatIsNotAnAddressFallsBackToThePeer) {
  for (const std::string& forged : std::vector<std::string>{
           "'; DROP TABLE users; --", "203.0.113.9, evil", "", std::string("1.2.3.4\0", 8),
           "1.2.3.4:80", "\xff\xfe", "203.0.113.9,", "999.1.1.1"}) {
    EXPECT_EQ(clientAddress("127.0.0.1", forged, true, loopback()), "127.0.0.1") << forged;
  }
}

TEST(ClientAddressTest, AddressesComeOutCanonical) {
  EXPECT_EQ(clientAddress("::1", " 2001:DB8::0001 ", true, loopback()), "2001:db8::1");
  EXPECT_EQ(*parseIp("192.0.2.1"), "192.0.2.1");
  EXPECT_FALSE(parseIp("192.0.2"));
}

TEST(CidrTest, MatchesByPrefixAndFamily) {
  const auto net = *Cidr::parse("192.168.16.0/20");
  EXPECT_TRUE(net.contains("192.168.31.255"));
  EXPECT_FALSE(net.contains("192.168.32.0"));
  EXPECT_FALSE(net.contains("::ffff:192.168.16.1"));
  EXPECT_TRUE(Cidr::parse("::/0")->contains("2001:db8::1"));
  EXPECT_TRUE(Cidr::parse("10.0.0.1")->contains("10.0.0.1"));
  EXPECT_FALSE(Cidr::parse("10.0.0.1")->contains("10.0.0.2"));
}

TEST(CidrTest, MalformedListsAreRefused) {
  EXPECT_FALSE(parseCidrList("127.0.0.0/33"));
  EXPECT_FALSE(parseCidrList("127.0.0.0/8,nonsense"));
  EXPECT_FALSE(parseCidrList("::1/129"));
  EXPECT_FALSE(parseCidrList("10.0.0.0/"));
  EXPECT_TRUE(parseCidrList("")->empty());
}

}  // namespace
}  // namespace authd::http
