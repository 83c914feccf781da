// http_support: form bodies.

#include "shared/presentation/http_support.hpp"

#include <gtest/gtest.h>

namespace authd {
namespace {

TEST(FormBodyTest, DecodesPercentAndPlus) {
  auto form = http::parseForm("token=a%2Bb+c&token_type_hint=refresh_token&empty=");
  ASSERT_TRUE(form.has_value());
  EXPECT_EQ(form->at("token"), "a+b c");
  EXPECT_EQ(form->at("token_type_hint"), "refresh_token");
  EXPECT_EQ(form->at("empty"), "");
  EXPECT_FALSE(http::parseForm("bad=%zz").has_value());
  EXPECT_FALSE(http::parseForm("bad=%2").has_value());
}

}  // namespace
}  // namespace authd
