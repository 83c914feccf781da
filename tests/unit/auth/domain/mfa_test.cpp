// The second factor's rules (issue 13): states, replay, single-use recovery codes, and the
// encodings users see (base32 secrets, "xxxxx-xxxxx" recovery codes).
#include "features/auth/domain/mfa.hpp"

#include <gtest/gtest.h>

#include <random>
#include <set>

namespace authd::auth::domain {
namespace {

// Uniform, reproducible bytes (the shared fake's counter repeats every 32 bytes in the low
// five bits, which is all a recovery-code character uses).
class SeededRandom : public RandomSource {
 public:
  Bytes bytes(std::size_t count) override {
    Bytes out(count);
    for (auto& b : out) b = static_cast<std::uint8_t>(engine_() & 0xff);
    return out;
  }

 private:
  std::mt19937 engine_{12345};
};

const Timestamp kNow = Timestamp{} + std::chrono::seconds(1'800'000'000);
const Uuid kUser = *Uuid::parse("00000000-0000-7000-8000-000000000001");

TEST(MfaTest, Base32FollowsRfc4648) {
  // RFC 4648 section 10 test vectors (without padding).
  const std::pair<const char*, const char*> vectors[] = {{"", ""},
                                                         {"f", "MY"},
                                                         {"fo", "MZXQ"},
                                                         {"foo", "MZXW6"},
                                                         {"foob", "MZXW6YQ"},
                                                         {"fooba", "MZXW6YTB"},
                                                         {"foobar", "MZXW6YTBOI"}};
  for (const auto& [plain, encoded] : vectors) {
    const std::string p(plain);
    EXPECT_EQ(base32Encode(Bytes(p.begin(), p.end())), encoded) << plain;
  }
  EXPECT_EQ(base32Encode(Bytes(kTotpSecretSize, 0)).size(), 32u);  // 160 bits, 32 characters
}

TEST(MfaTest, RecoveryCodesAreTenBase32CharactersInTwoGroups) {
  SeededRandom random;
  std::set<std::string> seen;
  for (int i = 0; i < 50; ++i) {
    const std::string code = newRecoveryCode(random);
    ASSERT_EQ(code.size(), 11u) << code;
    EXPECT_EQ(code[5], '-');
    const auto canonical = canonicalRecoveryCode(code);
    ASSERT_TRUE(canonical.has_value()) << code;
    EXPECT_EQ(canonical->size(), kRecoveryCodeLength);
    seen.insert(code);
  }
  EXPECT_GT(seen.size(), 45u);  // random, not one code over and over
}

TEST(MfaTest, TypedRecoveryCodesAreReadLeniently) {
  EXPECT_EQ(canonicalRecoveryCode("abcde-fg234"), "abcdefg234");
  EXPECT_EQ(canonicalRecoveryCode("ABCDE FG234"), "abcdefg234");
  EXPECT_EQ(canonicalRecoveryCode("abcdefg234"), "abcdefg234");
  for (const char* bad : {"", "abcde-fg23", "abcde-fg2345", "abcde-fg231", "abcde_fg234",
                          "abcde-fg23\xC3\xA9", "abcde-fg2\n4"}) {
    EXPECT_FALSE(canonicalRecoveryCode(bad).has_value()) << bad;
  }
  EXPECT_FALSE(canonicalRecoveryCode(std::string("abcde\0fg234", 11)).has_value());
}

TEST(MfaTest, PendingUntilConfirmedThenEnabledOnce) {
  auto mfa = Mfa::begin(kUser, "sealed", kNow);
  EXPECT_FALSE(mfa.enabled());
  EXPECT_FALSE(mfa.useRecoveryCode(Bytes(32, 1), kNow));         // none while pending
  EXPECT_FALSE(mfa.replaceRecoveryCodes({Bytes(32, 1)}, kNow));  // nor new ones
  ASSERT_TRUE(mfa.enable({Bytes(32, 1), Bytes(32, 2)}, kNow));
  EXPECT_TRUE(mfa.enabled());
  EXPECT_FALSE(mfa.enable({Bytes(32, 3)}, kNow));  // already on
  EXPECT_EQ(mfa.state().recovery_digests.size(), 2u);
}

TEST(MfaTest, ARecoveryCodeWorksOnceAndNewCodesEndTheOldOnes) {
  auto mfa = Mfa::begin(kUser, "sealed", kNow);
  ASSERT_TRUE(mfa.enable({Bytes(32, 1), Bytes(32, 2)}, kNow));
  EXPECT_TRUE(mfa.useRecoveryCode(Bytes(32, 2), kNow));
  EXPECT_FALSE(mfa.useRecoveryCode(Bytes(32, 2), kNow));  // single use
  EXPECT_FALSE(mfa.useRecoveryCode(Bytes(32, 9), kNow));  // never issued
  ASSERT_TRUE(mfa.replaceRecoveryCodes({Bytes(32, 5)}, kNow));
  EXPECT_FALSE(mfa.useRecoveryCode(Bytes(32, 1), kNow));  // the old ones stopped working
  EXPECT_TRUE(mfa.useRecoveryCode(Bytes(32, 5), kNow));
}

TEST(MfaTest, TheLastAcceptedStepOnlyMovesForward) {
  auto mfa = Mfa::begin(kUser, "sealed", kNow);
  EXPECT_FALSE(mfa.state().last_step.has_value());
  mfa.acceptStep(100, kNow);
  mfa.acceptStep(99, kNow);  // an older step never moves the guard back
  EXPECT_EQ(mfa.state().last_step, 100);
  mfa.acceptStep(101, kNow);
  EXPECT_EQ(mfa.state().last_step, 101);
}

}  // namespace
}  // namespace authd::auth::domain
