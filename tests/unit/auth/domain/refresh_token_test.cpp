#include "features/auth/domain/refresh_token.hpp"

#include <gtest/gtest.h>

#include "shared/core/encoding.hpp"

namespace authd::auth::domain {
namespace {

RefreshToken sample() {
  RefreshToken t;
  t.user_id = *Uuid::parse("01a20259-2e92-73af-acb8-bd3e2cbbff45");
  t.session_id = *Uuid::parse("01a20259-2e92-73aa-8017-493e08a5b5eb");
  t.generation = 0x01020304;
  t.secret = Bytes(kRefreshSecretSize, 0xAB);
  return t;
}

TEST(RefreshTokenTest, RoundTripsAndIsUrlSafe) {
  const auto text = sample().encode();
  EXPECT_EQ(
      text.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
      std::string::npos);
  auto back = RefreshToken::decode(text);
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->user_id, sample().user_id);
  EXPECT_EQ(back->session_id, sample().session_id);
  EXPECT_EQ(back->generation, 0x01020304u);
  EXPECT_EQ(back->secret, sample().secret);
}

TEST(RefreshTokenTest, CarriesAtLeast256BitsOfSecret) { EXPECT_GE(kRefreshSecretSize * 8, 256u); }

TEST(RefreshTokenTest, RejectsAnythingElse) {
  const auto text = sample().encode();
  EXPECT_FALSE(RefreshToken::decode("").has_value());
  EXPECT_FALSE(RefreshToken::decode(text.substr(1)).has_value());
  EXPECT_FALSE(RefreshToken::decode(text + "A").has_value());
  EXPECT_FALSE(RefreshToken::decode(std::string(text.size(), '*')).has_value());
  auto raw = *base64UrlDecode(text);
  raw[0] = 0x02;  // unknown version
  EXPECT_FALSE(RefreshToken::decode(base64UrlEncode(raw)).has_value());
}

TEST(RefreshTokenTest, RefusesToEncodeAShortSecret) {
  auto t = sample();
  t.secret.resize(16);
  EXPECT_THROW(t.encode(), std::logic_error);
}

}  // namespace
}  // namespace authd::auth::domain
