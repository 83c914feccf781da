#include "features/auth/application/use_cases/mfa.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>

#include "features/auth/application/use_cases/account.hpp"
#include "features/auth/domain/totp.hpp"
#include "shared/core/encoding.hpp"
#include "use_case_fixture.hpp"

namespace authd::testing {
namespace {

using ::testing::_;
using users::application::AuditEventType;
namespace aa = auth::application;

// A stand-in for HMAC-SHA1 (the real one is tested against RFC 6238 in the adapter's tests):
// distinct six-digit codes per secret and step, so the use cases' rules can be followed.
std::string fakeCode(const SecretBytes& secret, std::int64_t step) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%06lld",
                static_cast<long long>((step * 7919 + secret.data()[0] * 104729) % 1000000));
  return buf;
}

class MfaUseCaseTest : public AuthUseCaseTest {
 protected:
  MfaUseCaseTest() {
    delegateTo(mfa_records_, fake_mfa_);
    delegateTo(challenges_, fake_challenges_);
    delegateTo(sealer_, marking_sealer_);
    ON_CALL(codes_, codeAt).WillByDefault([](const SecretBytes& s, std::int64_t step, int) {
      return fakeCode(s, step);
    });
    ON_CALL(recovery_, digest).WillByDefault([](std::string_view code) {
      Bytes out(code.begin(), code.end());
      for (auto& b : out) b = static_cast<std::uint8_t>(b ^ 0x33);
      return out;
    });
  }

  // The user's TOTP secret as the store holds it (opened through the sealer).
  Secret storedSecret() {
    const auto mfa = fake_mfa_.find(stored_->id());
    if (!mfa) throw std::logic_error("the user has no MFA record");
    return marking_sealer_.openSecret(mfa->state().sealed_secret);
  }
  Bytes storedSecretBytes() {
    const Secret secret = storedSecret();
    return Bytes(secret->data(), secret->data() + secret->size());
  }
  // The code an authenticator shows now (`steps` steps later).
  std::string codeNow(int steps = 0) {
    return fakeCode(*storedSecret(), auth::domain::totpStepAt(clock_.now()) + steps);
  }
  // Seeds the user, logs in once (the caller's session), enrols and confirms: MFA on.
  // Returns the recovery codes; the caller's session is `session_`.
  std::vector<std::string> enable() {
    session_ = sessionOf(loginTimes(1).at(0));
    EXPECT_THAT(start_.execute(stored_->id(), kPassword, {}), IsOk());
    auto codes = confirm_.execute(stored_->id(), session_, codeNow(), {});
    EXPECT_THAT(codes, IsOk());
    clock_.advance(std::chrono::seconds(30));  // the next step: a fresh code
    events_.clear();
    return codes ? *codes : std::vector<std::string>{};
  }
  // A password login of the seeded user; with MFA on it answers MfaRequired with a token.
  Result<aa::TokenGrant> passwordLogin(const std::string& password = kPassword) {
    return login_.execute({std::string("alice@example.com"), std::nullopt, password, {}});
  }
  std::string mfaToken() {
    auto r = passwordLogin();
    EXPECT_THAT(r, HasError(ErrorCode::MfaRequired));
    return r ? std::string() : r.error().mfa_token.value_or("");
  }

  NiceMock<MockMfaRepository> mfa_records_;
  InMemoryMfaRepository fake_mfa_{db_};
  NiceMock<MockMfaChallengeStore> challenges_;
  InMemoryMfaChallengeStore fake_challenges_{db_};
  NiceMock<MockSealer> sealer_;
  MarkingSealer marking_sealer_;
  NiceMock<MockOneTimeCodes> codes_;
  NiceMock<MockRecoveryCodeHasher> recovery_;
  aa::LoginLimits limits_{};
  aa::MfaDeps deps_{uow_,      users_,          mfa_records_, challenges_, sealer_, codes_,
                    recovery_, refresh_hasher_, audit_,       clock_,      random_, throttle_,
                    limits_,   outbox_,         templates_,   "Example Co"};
  aa::MfaChallengeIssuer issuer_of_challenges_{deps_};
  aa::LoginUser login_{
      uow_, users_, hasher_, tokens_, audit_, clock_, throttle_, limits_, &issuer_of_challenges_};
  aa::StartTotpEnrolment start_{deps_, hasher_};
  aa::ConfirmTotpEnrolment confirm_{deps_};
  aa::DisableTotp disable_{deps_, hasher_};
  aa::RegenerateRecoveryCodes regenerate_{deps_};
  aa::CompleteMfaLogin complete_{deps_, tokens_};
  aa::ResetMfa reset_{deps_};
  Uuid session_;
};

TEST_F(MfaUseCaseTest, EnrolmentStoresASealedPendingSecretAndGivesAnOtpauthUri) {
  seedUser();
  auto out = start_.execute(stored_->id(), kPassword, {});
  ASSERT_THAT(out, IsOk());
  EXPECT_EQ(out->secret.size(), 32u);  // 160 bits in base32
  EXPECT_EQ(out->otpauth_uri,
            "otpauth://totp/Example%20Co:alice%40example.com?secret=" + out->secret +
                "&issuer=Example%20Co&algorithm=SHA1&digits=6&period=30");
  const auto stored = fake_mfa_.find(stored_->id());
  ASSERT_TRUE(stored.has_value());
  EXPECT_FALSE(stored->enabled());
  EXPECT_EQ(stored->state().sealed_secret.find(out->secret), std::string::npos);
  EXPECT_EQ(auth::domain::base32Encode(storedSecretBytes()), out->secret);
  EXPECT_FALSE(stored_->mfaEnabled());
}

TEST_F(MfaUseCaseTest, EnrolmentNeedsThePasswordAndCountsAWrongOne) {
  seedUser();
  EXPECT_CALL(mfa_records_, save).Times(0);
  EXPECT_THAT(start_.execute(stored_->id(), "wrong", {}), HasError(ErrorCode::InvalidCredentials));
  EXPECT_EQ(eventTypes(), std::vector<AuditEventType>{AuditEventType::LoginFailed});
}

TEST_F(MfaUseCaseTest, ASecondEnrolmentReplacesThePendingSecret) {
  seedUser();
  auto first = start_.execute(stored_->id(), kPassword, {});
  auto second = start_.execute(stored_->id(), kPassword, {});
  ASSERT_THAT(second, IsOk());
  EXPECT_NE(first->secret, second->secret);
  EXPECT_EQ(auth::domain::base32Encode(storedSecretBytes()), second->secret);
}

TEST_F(MfaUseCaseTest, ConfirmWithoutEnrolmentIsMissing) {
  session_ = sessionOf(loginTimes(1).at(0));
  EXPECT_THAT(confirm_.execute(stored_->id(), session_, "123456", {}),
              HasError(ErrorCode::MfaEnrolmentMissing));
}

TEST_F(MfaUseCaseTest, AWrongConfirmationCodeIsRefusedAuditedAndCounted) {
  session_ = sessionOf(loginTimes(1).at(0));
  ASSERT_THAT(start_.execute(stored_->id(), kPassword, {}), IsOk());
  events_.clear();
  const std::string wrong = codeNow(5);  // a real code, but of a step outside the window
  EXPECT_THAT(confirm_.execute(stored_->id(), session_, wrong, {}),
              HasError(ErrorCode::MfaCodeInvalid));
  EXPECT_EQ(eventTypes(), std::vector<AuditEventType>{AuditEventType::MfaFailed});
  EXPECT_FALSE(fake_mfa_.find(stored_->id())->enabled());
  EXPECT_FALSE(stored_->mfaEnabled());
  // The code counted against the account's lockout (the right password had ended the count),
  // so this probe is the second attempt.
  EXPECT_EQ(
      fake_throttle_.countAttempt(aa::accountLockoutKey(stored_->id()), clock_.now(), Seconds(900))
          .attempts,
      2);
}

TEST_F(MfaUseCaseTest, ConfirmTurnsMfaOnKeepsOnlyTheCallersSessionAndMails) {
  auto tokens = loginTimes(3);
  session_ = sessionOf(tokens[1]);
  ASSERT_THAT(start_.execute(stored_->id(), kPassword, {}), IsOk());
  events_.clear();
  auto codes = confirm_.execute(stored_->id(), session_, codeNow(-1), {});  // one step of skew
  ASSERT_THAT(codes, IsOk());
  ASSERT_EQ(codes->size(), 10u);
  for (const auto& c : *codes) EXPECT_TRUE(auth::domain::canonicalRecoveryCode(c)) << c;
  EXPECT_TRUE(stored_->mfaEnabled());
  EXPECT_TRUE(fake_mfa_.find(stored_->id())->enabled());
  ASSERT_EQ(stored_->sessions().size(), 1u);
  EXPECT_EQ(stored_->sessions()[0].id(), session_);
  EXPECT_EQ(eventTypes(), std::vector<AuditEventType>{AuditEventType::MfaEnabled});
  ASSERT_EQ(db_.tables.outbox.size(), 1u);
  EXPECT_EQ(db_.tables.outbox[0].to, "alice@example.com");
  // And enrolling again is refused while on.
  EXPECT_THAT(start_.execute(stored_->id(), kPassword, {}), HasError(ErrorCode::MfaAlreadyEnabled));
}

TEST_F(MfaUseCaseTest, WithMfaOnTheRightPasswordGivesOnlyAnMfaToken) {
  enable();
  const auto sessions_before = stored_->sessions().size();
  auto r = passwordLogin();
  ASSERT_THAT(r, HasError(ErrorCode::MfaRequired));
  ASSERT_TRUE(r.error().mfa_token.has_value());
  EXPECT_EQ(base64UrlDecode(*r.error().mfa_token)->size(), 32u);
  EXPECT_EQ(stored_->sessions().size(), sessions_before);
  EXPECT_TRUE(events_.empty());  // nothing happened to the account yet
}

TEST_F(MfaUseCaseTest, WithMfaOnAWrongPasswordIsTheUsualAnswer) {
  enable();
  auto r = passwordLogin("wrong");
  ASSERT_THAT(r, HasError(ErrorCode::InvalidCredentials));
  EXPECT_FALSE(r.error().mfa_token.has_value());
  EXPECT_TRUE(db_.tables.challenges.empty());
}

TEST_F(MfaUseCaseTest, TheSecondStepOpensAnOtpSessionAndAReplayedCodeIsRefused) {
  enable();
  const std::string code = codeNow();
  auto grant = complete_.execute(mfaToken(), code, {});
  ASSERT_THAT(grant, IsOk());
  const auto* session = stored_->findSession(sessionOf(grant->refresh_token));
  ASSERT_NE(session, nullptr);
  EXPECT_EQ(session->state().methods, users::domain::AuthMethods::PasswordAndOtp);
  EXPECT_EQ(eventTypes(), std::vector<AuditEventType>{AuditEventType::LoginSucceeded});
  // The same code with a fresh token: its step is spent.
  EXPECT_THAT(complete_.execute(mfaToken(), code, {}), HasError(ErrorCode::MfaCodeInvalid));
  // An unknown token, however well-formed, gets nowhere.
  EXPECT_THAT(complete_.execute(base64UrlEncode(Bytes(32, 0)), codeNow(1), {}),
              HasError(ErrorCode::MfaTokenInvalid));
}

TEST_F(MfaUseCaseTest, AnMfaTokenIsSingleUse) {
  enable();
  const std::string token = mfaToken();
  ASSERT_THAT(complete_.execute(token, codeNow(), {}), IsOk());
  EXPECT_THAT(complete_.execute(token, codeNow(1), {}), HasError(ErrorCode::MfaTokenInvalid));
}

TEST_F(MfaUseCaseTest, AnMfaTokenDiesAfterFiveWrongCodes) {
  aa::MfaDeps deps = deps_;
  deps.limits.max_fails = 0;  // the token's own bound, apart from the account's lockout
  aa::CompleteMfaLogin complete{deps, tokens_};
  enable();
  const std::string token = mfaToken();
  for (int i = 0; i < 5; ++i) {
    EXPECT_THAT(complete.execute(token, codeNow(10 + i), {}), HasError(ErrorCode::MfaCodeInvalid));
  }
  EXPECT_THAT(complete.execute(token, codeNow(), {}), HasError(ErrorCode::MfaTokenInvalid));
  const auto types = eventTypes();
  EXPECT_EQ(std::count(types.begin(), types.end(), AuditEventType::MfaFailed), 5);
}

TEST_F(MfaUseCaseTest, WrongCodesLockTheAccountLikeWrongPasswords) {
  enable();
  const std::string token = mfaToken();  // attempt 1: the password
  for (int i = 0; i < 4; ++i) {          // attempts 2 to 5
    EXPECT_THAT(complete_.execute(token, codeNow(10 + i), {}), HasError(ErrorCode::MfaCodeInvalid));
  }
  // The sixth attempt in the window is refused whatever the code.
  auto r = complete_.execute(token, codeNow(), {});
  ASSERT_THAT(r, HasError(ErrorCode::RateLimited));
  EXPECT_TRUE(r.error().retry_after.has_value());
}

// Review finding: a right password between wrong codes must not give the codes fresh tries.
TEST_F(MfaUseCaseTest, WithMfaOnTheRightPasswordAloneNeverEndsTheCount) {
  enable();
  (void)mfaToken();              // attempt 1: the password
  for (int i = 0; i < 3; ++i) {  // attempts 2 to 4: wrong codes
    EXPECT_THAT(regenerate_.execute(stored_->id(), codeNow(10 + i), {}),
                HasError(ErrorCode::MfaCodeInvalid));
  }
  users::domain::PasswordPolicy policy{{}};
  aa::ChangePassword change{uow_,   users_,    hasher_, audit_,     clock_,
                            policy, throttle_, outbox_, templates_, account_tokens_};
  EXPECT_CALL(hasher_, hash(std::string_view("another good passphrase")))
      .WillOnce(::testing::Return(std::string(kHash)));
  ASSERT_THAT(change.execute({stored_->id(), session_, kPassword, "another good passphrase", {}}),
              IsOk());  // attempt 5: right, but only a password
  EXPECT_THAT(regenerate_.execute(stored_->id(), codeNow(), {}), HasError(ErrorCode::RateLimited));
}

// Review finding: the count is committed before the user's row is locked, so a transaction the
// database aborts (a deadlock, a lost connection) cannot take a wrong code's count with it.
TEST_F(MfaUseCaseTest, ACodeAttemptStaysCountedWhenItsTransactionIsAborted) {
  enable();
  const std::string token = mfaToken();  // attempt 1
  EXPECT_CALL(audit_log_, record)
      .WillOnce(::testing::Throw(std::runtime_error("deadlock detected")));
  EXPECT_THROW((void)complete_.execute(token, codeNow(10), {}), std::runtime_error);  // attempt 2
  EXPECT_EQ(
      fake_throttle_.countAttempt(aa::accountLockoutKey(stored_->id()), clock_.now(), Seconds(900))
          .attempts,
      3);
}

TEST_F(MfaUseCaseTest, AWeakerStoredHashIsReplacedAtThePasswordStepAndTheTokenFollowsIt) {
  enable();
  EXPECT_CALL(hasher_, needsRehash).WillOnce(::testing::Return(true));
  EXPECT_CALL(hasher_, hash(std::string_view(kPassword)))
      .WillOnce(::testing::Return(std::string("$argon2id$stronger")));
  const std::string token = mfaToken();
  EXPECT_EQ(stored_->passwordHash(), "$argon2id$stronger");
  EXPECT_THAT(complete_.execute(token, codeNow(), {}), IsOk());
}

TEST_F(MfaUseCaseTest, AnMfaTokenExpiresAfterFiveMinutes) {
  enable();
  const std::string token = mfaToken();
  clock_.advance(std::chrono::seconds(301));
  EXPECT_THAT(complete_.execute(token, codeNow(), {}), HasError(ErrorCode::MfaTokenInvalid));
}

TEST_F(MfaUseCaseTest, AnMfaTokenDiesWithAPasswordChange) {
  enable();
  const std::string token = mfaToken();
  stored_->changePasswordHash("$argon2id$another", clock_.now());
  EXPECT_THAT(complete_.execute(token, codeNow(), {}), HasError(ErrorCode::MfaTokenInvalid));
}

TEST_F(MfaUseCaseTest, MalformedMfaTokensAreInvalidWithoutALookup) {
  enable();
  EXPECT_CALL(challenges_, findByDigestForUpdate).Times(0);
  for (const std::string& bad :
       std::vector<std::string>{"", "short", std::string(5000, 'A'), std::string("\0x", 2)}) {
    EXPECT_THAT(complete_.execute(bad, codeNow(), {}), HasError(ErrorCode::MfaTokenInvalid));
  }
}

TEST_F(MfaUseCaseTest, ARecoveryCodeWorksOnce) {
  auto codes = enable();
  ASSERT_EQ(codes.size(), 10u);
  std::string typed = codes[3];
  for (auto& c : typed) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  auto grant = complete_.execute(mfaToken(), typed, {});  // any case, as typed
  ASSERT_THAT(grant, IsOk());
  EXPECT_EQ(eventTypes(), (std::vector<AuditEventType>{AuditEventType::RecoveryCodeUsed,
                                                       AuditEventType::LoginSucceeded}));
  EXPECT_EQ(fake_mfa_.find(stored_->id())->state().recovery_digests.size(), 9u);
  EXPECT_THAT(complete_.execute(mfaToken(), codes[3], {}), HasError(ErrorCode::MfaCodeInvalid));
}

TEST_F(MfaUseCaseTest, RegeneratedRecoveryCodesReplaceTheOldOnes) {
  auto old_codes = enable();
  auto fresh = regenerate_.execute(stored_->id(), codeNow(), {});
  ASSERT_THAT(fresh, IsOk());
  ASSERT_EQ(fresh->size(), 10u);
  EXPECT_EQ(eventTypes(), std::vector<AuditEventType>{AuditEventType::RecoveryCodesRegenerated});
  // The fixture's counter "randomness" repeats codes across sets; real codes carry 50 bits.
  const auto old_only = std::find_if(old_codes.begin(), old_codes.end(), [&](const std::string& c) {
    return std::find(fresh->begin(), fresh->end(), c) == fresh->end();
  });
  ASSERT_NE(old_only, old_codes.end());
  EXPECT_THAT(complete_.execute(mfaToken(), *old_only, {}), HasError(ErrorCode::MfaCodeInvalid));
  EXPECT_THAT(complete_.execute(mfaToken(), (*fresh)[0], {}), IsOk());
}

TEST_F(MfaUseCaseTest, RegenerateNeedsMfaOnAndARightCode) {
  seedUser();
  EXPECT_THAT(regenerate_.execute(stored_->id(), "123456", {}), HasError(ErrorCode::MfaNotEnabled));
  enable();
  EXPECT_THAT(regenerate_.execute(stored_->id(), "12345", {}), HasError(ErrorCode::MfaCodeInvalid));
}

TEST_F(MfaUseCaseTest, DisableNeedsThePasswordAndACodeThenMails) {
  enable();
  EXPECT_THAT(disable_.execute(stored_->id(), "wrong", codeNow(), {}),
              HasError(ErrorCode::InvalidCredentials));
  EXPECT_THAT(disable_.execute(stored_->id(), kPassword, "000000x", {}),
              HasError(ErrorCode::MfaCodeInvalid));
  EXPECT_TRUE(stored_->mfaEnabled());
  const auto mails_before = db_.tables.outbox.size();
  events_.clear();
  ASSERT_THAT(disable_.execute(stored_->id(), kPassword, codeNow(), {}), IsOk());
  EXPECT_FALSE(stored_->mfaEnabled());
  EXPECT_FALSE(fake_mfa_.find(stored_->id()).has_value());
  EXPECT_EQ(eventTypes(), std::vector<AuditEventType>{AuditEventType::MfaDisabled});
  EXPECT_EQ(db_.tables.outbox.size(), mails_before + 1);
  EXPECT_THAT(disable_.execute(stored_->id(), kPassword, "123456", {}),
              HasError(ErrorCode::MfaNotEnabled));
  // Off again: the password alone logs in, with amr ["pwd"].
  auto grant = passwordLogin();
  ASSERT_THAT(grant, IsOk());
  EXPECT_EQ(stored_->findSession(sessionOf(grant->refresh_token))->state().methods,
            users::domain::AuthMethods::Password);
}

TEST_F(MfaUseCaseTest, AnMfaTokenDiesWhenMfaIsTurnedOff) {
  enable();
  const std::string token = mfaToken();
  const std::string code = codeNow();
  ASSERT_THAT(reset_.execute(stored_->id().toString(), {}), IsOk());
  EXPECT_THAT(complete_.execute(token, code, {}), HasError(ErrorCode::MfaTokenInvalid));
}

TEST_F(MfaUseCaseTest, AnAdminResetTurnsMfaOffOnceAndAuditsIt) {
  enable();
  ASSERT_THAT(reset_.execute(stored_->id().toString(), {}), IsOk());
  EXPECT_FALSE(stored_->mfaEnabled());
  EXPECT_FALSE(fake_mfa_.find(stored_->id()).has_value());
  EXPECT_EQ(eventTypes(), std::vector<AuditEventType>{AuditEventType::MfaDisabled});
  ASSERT_THAT(reset_.execute(stored_->id().toString(), {}), IsOk());  // idempotent
  EXPECT_EQ(events_.size(), 1u);
  EXPECT_THAT(reset_.execute("not-a-uuid", {}), HasError(ErrorCode::NotFound));
  EXPECT_THAT(reset_.execute(Uuid::v7(clock_.now(), random_).toString(), {}),
              HasError(ErrorCode::NotFound));
}

}  // namespace
}  // namespace authd::testing
