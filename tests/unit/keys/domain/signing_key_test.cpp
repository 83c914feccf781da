#include "features/keys/domain/signing_key.hpp"

#include <gtest/gtest.h>

namespace authd {
namespace {

using keys::domain::PublicSigningKey;
using keys::domain::SigningKey;

TEST(SigningKeyTest, ThePublicPartCarriesNoSecret) {
  const SigningKey key{"kid-1", Bytes(32, 0xfb), secretFrom(Bytes(64, 7)),
                       true,    Timestamp{},     std::nullopt};
  const auto pub = keys::domain::publicPartOf(key);
  EXPECT_EQ(pub.kid, "kid-1");
  EXPECT_EQ(pub.x, "-_v7-_v7-_v7-_v7-_v7-_v7-_v7-_v7-_v7-_v7-_s");  // base64url, unpadded
  EXPECT_TRUE(pub.active);
}

TEST(SigningKeyTest, PublicationPutsTheActiveKeyFirstThenNewestRetired) {
  const Timestamp t0{};
  const std::vector<PublicSigningKey> keys{{"old", "a", false, t0},
                                           {"newer", "b", false, t0 + std::chrono::hours(2)},
                                           {"active", "c", true, t0 + std::chrono::hours(1)}};
  const auto ordered = keys::domain::publicationOrder(keys);
  ASSERT_EQ(ordered.size(), 3u);
  EXPECT_EQ(ordered[0].kid, "active");
  EXPECT_EQ(ordered[1].kid, "newer");
  EXPECT_EQ(ordered[2].kid, "old");
}

}  // namespace
}  // namespace authd
