// The JWKS and the discovery document: status, caching and body mapping.
#include "route_test.hpp"

namespace authd::testing {
namespace {

class KeyRoutesTest : public RouteTest {};

TEST_F(KeyRoutesTest, JwksPublishesTheSigningKeyThatSignedTheTokens) {
  const auto t = api_.signUp("sam");
  auto r = api_.http().get("/.well-known/jwks.json");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.header("cache-control"), "public, max-age=300");
  const auto keys = r.json().at("keys");
  ASSERT_EQ(keys.size(), 1u);
  EXPECT_EQ(keys[0].at("kty"), "OKP");
  EXPECT_EQ(keys[0].at("crv"), "Ed25519");
  EXPECT_EQ(keys[0].at("alg"), "EdDSA");
  EXPECT_EQ(keys[0].at("use"), "sig");
  EXPECT_EQ(keys[0].at("x").get<std::string>().size(), 43u);  // 32 bytes, base64url
  EXPECT_FALSE(keys[0].contains("d"));
  // The token's header names this kid.
  const auto token = t.at("access_token").get<std::string>();
  const auto header = token.substr(0, token.find('.'));
  EXPECT_NE(header.size(), 0u);
  EXPECT_EQ(keys[0].at("kid"), "route-test-key");
}

TEST_F(KeyRoutesTest, DiscoveryNamesTheIssuersEndpoints) {
  auto r = api_.http().get("/.well-known/openid-configuration");
  ASSERT_EQ(r.status, 200) << r.body;
  const auto d = r.json();
  EXPECT_EQ(d.at("issuer"), "http://authd.test");
  EXPECT_EQ(d.at("jwks_uri"), "http://authd.test/.well-known/jwks.json");
  EXPECT_EQ(d.at("token_endpoint"), "http://authd.test/v1/auth/refresh");
  EXPECT_EQ(d.at("token_endpoint_auth_methods_supported"), nlohmann::json::array({"none"}));
}

}  // namespace
}  // namespace authd::testing
