// JsonFields: typed, clean-text reads of a request body.

#include "shared/presentation/json_fields.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace authd {
namespace {

TEST(JsonFieldsTest, StringsWithControlsOrInvalidUtf8AreInvalidFormatButSecretsPassAsGiven) {
  const nlohmann::json body = {{"username", std::string("ad\0a", 4)},
                               {"email", "ok@example.com"},
                               {"display_name", "line\nbreak"},
                               {"form", "\xff"},  // only a form body can carry this
                               {"password", std::string("pa\0ss\x01", 7)}};
  http::JsonFields f(body);
  EXPECT_FALSE(f.requiredString("username"));
  EXPECT_EQ(f.requiredString("email"), "ok@example.com");
  EXPECT_FALSE(f.optionalString("display_name"));
  EXPECT_FALSE(f.optionalString("form"));
  EXPECT_EQ(f.requiredSecret("password"), std::string("pa\0ss\x01", 7));
  EXPECT_FALSE(f.requiredSecret("missing"));
  ASSERT_EQ(f.errors().size(), 4u);
  EXPECT_EQ(f.errors()[0], (FieldError{"username", "invalid_format",
                                       "username must be UTF-8 text without control characters."}));
  EXPECT_EQ(f.errors()[1].field, "display_name");
  EXPECT_EQ(f.errors()[1].code, "invalid_format");
  EXPECT_EQ(f.errors()[2].field, "form");
  EXPECT_EQ(f.errors()[3].code, "required");
}

}  // namespace
}  // namespace authd
