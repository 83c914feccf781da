#include <gtest/gtest.h>

#include "features/users/domain/identity.hpp"
#include "features/users/domain/password_policy.hpp"

namespace authd::users::domain {
namespace {

std::string codeOf(const Status& s) { return s ? "" : s.error().fields.at(0).code; }
template <typename T>
std::string codeOf(const Result<T>& r) { return r ? "" : r.error().fields.at(0).code; }

TEST(EmailTest, TrimsAndLowercases) {
  auto e = Email::parse("  Alice@Example.COM ");
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->value(), "alice@example.com");
}

TEST(EmailTest, RejectsMalformedAddresses) {
  EXPECT_EQ(codeOf(Email::parse("")), "required");
  EXPECT_EQ(codeOf(Email::parse("no-at.example.com")), "invalid_format");
  EXPECT_EQ(codeOf(Email::parse("a@b@example.com")), "invalid_format");
  EXPECT_EQ(codeOf(Email::parse("@example.com")), "invalid_format");
  EXPECT_EQ(codeOf(Email::parse("a@localhost")), "invalid_format");
  EXPECT_EQ(codeOf(Email::parse("a@.example.com")), "invalid_format");
  EXPECT_EQ(codeOf(Email::parse("a@example..com")), "invalid_format");
  EXPECT_EQ(codeOf(Email::parse("a b@example.com")), "invalid_format");
  EXPECT_EQ(codeOf(Email::parse(std::string(250, 'a') + "@x.io")), "too_long");
  EXPECT_TRUE(Email::parse("a@b.c").has_value());
}

TEST(EmailTest, NamesTheFieldItWasGiven) {
  auto e = Email::parse("nope", "new_email");
  ASSERT_FALSE(e.has_value());
  EXPECT_EQ(e.error().code, ErrorCode::ValidationFailed);
  EXPECT_EQ(e.error().fields.at(0).field, "new_email");
}

TEST(UsernameTest, LowercasesAndChecksLengthAndCharacters) {
  EXPECT_EQ(Username::parse("Alice_B.c-9")->value(), "alice_b.c-9");
  EXPECT_EQ(codeOf(Username::parse("ab")), "too_short");
  EXPECT_EQ(codeOf(Username::parse(std::string(33, 'a'))), "too_long");
  EXPECT_TRUE(Username::parse(std::string(32, 'a')).has_value());
  EXPECT_EQ(codeOf(Username::parse("al ice")), "invalid_format");
  EXPECT_EQ(codeOf(Username::parse("al\xC3\xA9x")), "invalid_format");
}

TEST(DisplayNameTest, TrimsLimitsAndRejectsControls) {
  EXPECT_EQ(**parseDisplayName("  Ada Lovelace "), "Ada Lovelace");
  EXPECT_FALSE(parseDisplayName("   ")->has_value());
  EXPECT_TRUE(parseDisplayName(std::string(64, 'x')).has_value());
  EXPECT_EQ(codeOf(parseDisplayName(std::string(65, 'x'))), "too_long");
  // 64 two-byte characters are 128 bytes but 64 code points: allowed.
  std::string accents;
  for (int i = 0; i < 64; ++i) accents += "\xC3\xA9";
  EXPECT_TRUE(parseDisplayName(accents).has_value());
  EXPECT_EQ(codeOf(parseDisplayName("bad\x01name")), "invalid_format");
  EXPECT_EQ(codeOf(parseDisplayName("bad\xC2\x85name")), "invalid_format");  // NEL
}

TEST(RoleNameTest, AcceptsSimpleNamesOnly) {
  EXPECT_TRUE(isValidRoleName("admin"));
  EXPECT_TRUE(isValidRoleName("billing.read"));
  EXPECT_FALSE(isValidRoleName(""));
  EXPECT_FALSE(isValidRoleName("Admin"));
  EXPECT_FALSE(isValidRoleName("1admin"));
  EXPECT_FALSE(isValidRoleName(std::string(33, 'a')));
}

TEST(PasswordPolicyTest, ChecksLengthInCodePoints) {
  const PasswordPolicy policy({});
  EXPECT_EQ(codeOf(policy.check("short1!", "", "")), "too_short");
  EXPECT_TRUE(policy.check("longenough", "", ""));
  EXPECT_TRUE(policy.check(std::string(128, 'x'), "", ""));
  EXPECT_EQ(codeOf(policy.check(std::string(129, 'x'), "", "")), "too_long");
  std::string eight_accents;
  for (int i = 0; i < 8; ++i) eight_accents += "\xC3\xA9";
  EXPECT_TRUE(policy.check(eight_accents, "", ""));
}

TEST(PasswordPolicyTest, RejectsEmailUsernameAndCommonPasswords) {
  const PasswordPolicy policy({"Password123"});
  EXPECT_EQ(codeOf(policy.check("password123", "", "")), "not_allowed");
  EXPECT_EQ(codeOf(policy.check("alice@example.com", "Alice@Example.com", "")), "not_allowed");
  EXPECT_EQ(codeOf(policy.check("AliceInChains", "", "aliceinchains")), "not_allowed");
  EXPECT_TRUE(policy.check("a much better one", "alice@example.com", "alice"));
}

TEST(PasswordPolicyTest, StandardListIsLoadedFromTheRepository) {
  const auto& policy = PasswordPolicy::standard();
  EXPECT_GE(policy.commonCount(), 90u);
  EXPECT_EQ(codeOf(policy.check("qwertyuiop", "", "")), "not_allowed");
  EXPECT_EQ(codeOf(policy.check("PASSWORD1", "", "")), "not_allowed");
}

}  // namespace
}  // namespace authd::users::domain
