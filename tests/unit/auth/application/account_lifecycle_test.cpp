#include "features/auth/application/use_cases/account_lifecycle.hpp"

#include "features/auth/application/use_cases/account.hpp"
#include "features/auth/application/use_cases/login_user.hpp"
#include "use_case_fixture.hpp"

namespace authd::testing {
namespace {

using auth::domain::AccountToken;
using auth::domain::AccountTokenKind;
using std::chrono::seconds;
using ::testing::_;
using ::testing::Return;
using users::application::AuditEventType;

// Ports backed by small in-memory tables so tokens can be followed from mail to redemption.
class AccountLifecycleTest : public AuthUseCaseTest {
 protected:
  AccountLifecycleTest() { delegateTo(queue_, fake_queue_); }
  // The token inside the last mail that carries one (notices carry none).
  std::string lastToken() const {
    for (auto it = mails().rbegin(); it != mails().rend(); ++it) {
      if (it->text.rfind("token=", 0) == 0) return it->text.substr(6);
    }
    return "";
  }
  // What the fakes hold: the outbox, and the account-token rows.
  const std::vector<auth::application::Mail>& mails() const { return db_.tables.outbox; }
  std::vector<AccountToken> tokenRows() const {
    std::vector<AccountToken> out;
    for (const auto& [digest, token] : db_.tables.account_tokens) out.push_back(token);
    return out;
  }

  InMemoryResetRequestQueue fake_queue_{db_};
  NiceMock<MockResetRequestQueue> queue_;  // delegates to fake_queue_
  auth::application::LifecycleDeps deps_{
      uow_,   users_,  account_tokens_,           outbox_, templates_, refresh_hasher_, audit_,
      clock_, random_, auth::domain::MailLimits{}};
  users::domain::PasswordPolicy policy_list_{{"password123"}};
  auth::application::RequestEmailVerification request_verification_{deps_};
  auth::application::VerifyEmail verify_{deps_};
  auth::application::RequestPasswordReset request_reset_{deps_, queue_};
  auth::application::ProcessResetRequests process_{deps_, queue_};
  auth::application::ConfirmPasswordReset confirm_{deps_, hasher_, policy_list_, throttle_};
  auth::application::RequestEmailChange request_change_{deps_, hasher_, throttle_};
  auth::application::ConfirmEmailChange confirm_change_{deps_};
};

TEST_F(AccountLifecycleTest, VerificationMailsASingleUseTokenStoredOnlyAsADigest) {
  seedUser();
  ASSERT_THAT(request_verification_.execute(stored_->id()), IsOk());
  ASSERT_EQ(mails().size(), 1u);
  EXPECT_EQ(mails()[0].to, "alice@example.com");
  const std::string token = lastToken();
  EXPECT_GE(token.size(), 43u);  // 256 bits, base64url
  const auto rows = tokenRows();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].expires_at - rows[0].created_at, seconds(24 * 3600));
  EXPECT_NE(std::string(rows[0].digest.begin(), rows[0].digest.end()), token);
  events_.clear();
  auto user = verify_.execute(token, {});
  ASSERT_THAT(user, IsOk());
  EXPECT_TRUE(user->state().email_verified);
  EXPECT_TRUE(stored_->state().email_verified);
  EXPECT_EQ(eventTypes(), std::vector<AuditEventType>{AuditEventType::EmailVerified});
  EXPECT_THAT(verify_.execute(token, {}), HasError(ErrorCode::TokenInvalid));  // used
}

// Issue 12, finding 4: a request never ends a link that is still valid, so a flood of requests
// cannot keep the owner's link dead.
TEST_F(AccountLifecycleTest, ANewRequestLeavesTheOlderLinkValid) {
  seedUser();
  ASSERT_THAT(request_verification_.execute(stored_->id()), IsOk());
  const std::string first = lastToken();
  outbox_.deliverAll();
  clock_.advance(seconds(61));
  ASSERT_THAT(request_verification_.execute(stored_->id()), IsOk());
  ASSERT_EQ(mails().size(), 2u);
  EXPECT_NE(lastToken(), first);
  EXPECT_THAT(verify_.execute(first, {}), IsOk());
}

// Issue 12, finding 4: per recipient, every kind together, one a minute, five an hour, one in
// flight; a refused request still succeeds and sends nothing.
TEST_F(AccountLifecycleTest, MailToOneRecipientIsLimited) {
  seedUser();
  ASSERT_THAT(request_verification_.execute(stored_->id()), IsOk());
  clock_.advance(seconds(61));
  ASSERT_THAT(request_verification_.execute(stored_->id()), IsOk());  // the first is in flight
  EXPECT_EQ(mails().size(), 1u);
  outbox_.deliverAll();
  (void)request_reset_.execute("alice@example.com");  // another kind, same recipient
  process_.execute();
  EXPECT_EQ(mails().size(), 2u);
  outbox_.deliverAll();
  ASSERT_THAT(request_verification_.execute(stored_->id()), IsOk());  // within the minute
  EXPECT_EQ(mails().size(), 2u);
  EXPECT_EQ(tokenRows().size(), 2u);  // a refused request stores no token either
  for (int i = 0; i < 3; ++i) {
    clock_.advance(seconds(61));
    ASSERT_THAT(request_verification_.execute(stored_->id()), IsOk());
    outbox_.deliverAll();
  }
  EXPECT_EQ(mails().size(), 5u);
  clock_.advance(seconds(61));
  ASSERT_THAT(request_verification_.execute(stored_->id()), IsOk());  // the hour's sixth
  EXPECT_EQ(mails().size(), 5u);
  clock_.advance(seconds(3600));
  ASSERT_THAT(request_verification_.execute(stored_->id()), IsOk());
  EXPECT_EQ(mails().size(), 6u);
}

TEST_F(AccountLifecycleTest, AFloodOfResetRequestsMailsOneLinkThatStaysValid) {
  seedUser();
  for (int i = 0; i < 20; ++i) (void)request_reset_.execute("alice@example.com");
  EXPECT_EQ(process_.execute(100), 20u);
  ASSERT_EQ(mails().size(), 1u);
  const std::string link = lastToken();
  EXPECT_TRUE(mails()[0].expires_at.has_value());  // the outbox drops it once the link is dead
  for (int i = 0; i < 20; ++i) (void)request_reset_.execute("alice@example.com");
  process_.execute(100);
  EXPECT_EQ(mails().size(), 1u);
  EXPECT_CALL(hasher_, hash(std::string_view("a fine new password")))
      .WillOnce(Return(std::string("$new")));
  EXPECT_THAT(confirm_.execute(link, "a fine new password", {}), IsOk());
}

TEST_F(AccountLifecycleTest, SecurityNoticesPassTheMailLimits) {
  seedUser();
  (void)request_reset_.execute("alice@example.com");
  process_.execute();  // a link in flight: the recipient is at its limit
  const auto before = mails().size();
  EXPECT_CALL(hasher_, hash(std::string_view("a fine new password")))
      .WillOnce(Return(std::string("$new")));
  ASSERT_THAT(confirm_.execute(lastToken(), "a fine new password", {}), IsOk());
  ASSERT_EQ(mails().size(), before + 1);
  EXPECT_EQ(mails().back().text.rfind("reset at ", 0), 0u);
}

TEST_F(AccountLifecycleTest, ExpiredUnknownMalformedOrWrongKindTokensAreInvalid) {
  seedUser();
  ASSERT_THAT(request_verification_.execute(stored_->id()), IsOk());
  const std::string token = lastToken();
  EXPECT_THAT(verify_.execute("not base64 !", {}), HasError(ErrorCode::TokenInvalid));
  EXPECT_THAT(verify_.execute(std::string(43, 'A'), {}), HasError(ErrorCode::TokenInvalid));
  EXPECT_THAT(confirm_.execute(token, "a fine new password", {}),
              HasError(ErrorCode::TokenInvalid));
  clock_.advance(seconds(24 * 3600));
  EXPECT_THAT(verify_.execute(token, {}), HasError(ErrorCode::TokenInvalid));
  EXPECT_FALSE(stored_->state().email_verified);
}

TEST_F(AccountLifecycleTest, ResetRequestOnlyQueuesWhateverTheEmail) {
  seedUser();
  EXPECT_CALL(users_, findByEmail).Times(0);  // no lookup on the request path
  EXPECT_CALL(queue_, enqueue(_, "alice@example.com", _));
  EXPECT_CALL(queue_, enqueue(_, "nobody@example.com", _));
  EXPECT_CALL(queue_, enqueue(_, "not an email", _));
  EXPECT_THAT(request_reset_.execute(" Alice@Example.com"), IsOk());
  EXPECT_THAT(request_reset_.execute("nobody@example.com"), IsOk());
  EXPECT_THAT(request_reset_.execute("NOT an email"), IsOk());
  EXPECT_TRUE(mails().empty());
}

TEST_F(AccountLifecycleTest, ProcessingMailsOnlyExistingAccounts) {
  seedUser();
  (void)request_reset_.execute("nobody@example.com");
  (void)request_reset_.execute("alice@example.com");
  EXPECT_CALL(queue_, markProcessed(_, _)).Times(2);
  EXPECT_EQ(process_.execute(), 2u);
  ASSERT_EQ(mails().size(), 1u);
  EXPECT_EQ(mails()[0].to, "alice@example.com");
  const auto rows = tokenRows();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].kind, AccountTokenKind::PasswordReset);
  EXPECT_EQ(rows[0].expires_at - rows[0].created_at, seconds(3600));
}

TEST_F(AccountLifecycleTest, ConfirmSetsThePasswordRevokesEverySessionAndIsSingleUse) {
  seedUser();
  auth::application::LoginUser login{uow_, users_, hasher_, tokens_, audit_, clock_, throttle_};
  ASSERT_THAT(login.execute({std::string("alice@example.com"), std::nullopt, kPassword, {}}),
              IsOk());
  (void)request_reset_.execute("alice@example.com");
  process_.execute();
  const std::string token = lastToken();
  EXPECT_CALL(hasher_, hash(std::string_view("a fine new password")))
      .WillOnce(Return(std::string("$new")));
  events_.clear();
  ASSERT_THAT(confirm_.execute(token, "a fine new password", {}), IsOk());
  EXPECT_EQ(stored_->passwordHash(), "$new");
  EXPECT_TRUE(stored_->sessions().empty());
  EXPECT_EQ(eventTypes(), std::vector<AuditEventType>{AuditEventType::PasswordReset});
  EXPECT_THAT(confirm_.execute(token, "another new password", {}),
              HasError(ErrorCode::TokenInvalid));
}

TEST_F(AccountLifecycleTest, ConfirmChecksThePolicyAndKeepsTheTokenUsable) {
  seedUser();
  (void)request_reset_.execute("alice@example.com");
  process_.execute();
  const std::string token = lastToken();
  auto weak = confirm_.execute(token, "password123", {});
  ASSERT_THAT(weak, HasError(ErrorCode::ValidationFailed));
  EXPECT_EQ(weak.error().fields.at(0).field, "new_password");
  EXPECT_THAT(confirm_.execute(token, "a fine new password", {}), IsOk());
}

TEST_F(AccountLifecycleTest, ResetTokenExpiresAfterAnHour) {
  seedUser();
  (void)request_reset_.execute("alice@example.com");
  process_.execute();
  clock_.advance(seconds(3600));
  EXPECT_THAT(confirm_.execute(lastToken(), "a fine new password", {}),
              HasError(ErrorCode::TokenInvalid));
}

TEST_F(AccountLifecycleTest, VerifyEmailRetriesALostRace) {
  seedUser();
  ASSERT_THAT(request_verification_.execute(stored_->id()), IsOk());
  loseNextUpdate(users_, fake_users_, db_);
  ASSERT_THAT(verify_.execute(lastToken(), {}), IsOk());
  EXPECT_TRUE(stored_->state().email_verified);
}

TEST_F(AccountLifecycleTest, ConfirmPasswordResetRetriesALostRace) {
  seedUser();
  (void)request_reset_.execute("alice@example.com");
  process_.execute();
  EXPECT_CALL(hasher_, hash(std::string_view("a fine new password")))
      .WillOnce(Return(std::string("$new")));
  loseNextUpdate(users_, fake_users_, db_);
  ASSERT_THAT(confirm_.execute(lastToken(), "a fine new password", {}), IsOk());
  EXPECT_EQ(stored_->passwordHash(), "$new");
}

// Issue 12, finding 5 (ASVS 2.5.5): a reset is notified to the account's address.
TEST_F(AccountLifecycleTest, APasswordResetIsNotifiedToTheAccountsAddress) {
  seedUser();
  (void)request_reset_.execute("alice@example.com");
  process_.execute();
  const auto before = mails().size();
  ASSERT_THAT(confirm_.execute(lastToken(), "a fine new password", {}), IsOk());
  ASSERT_EQ(mails().size(), before + 1);
  EXPECT_EQ(mails().back().to, "alice@example.com");
  EXPECT_EQ(mails().back().text.rfind("reset at ", 0), 0u);
}

// Issue 12, finding 4 (in part): a reset link mailed before a password change must not undo it.
TEST_F(AccountLifecycleTest, APasswordChangeEndsOutstandingResetLinks) {
  auto tokens = loginTimes(1);
  (void)request_reset_.execute("alice@example.com");
  process_.execute();
  const std::string link = lastToken();
  auth::application::ChangePassword change{uow_,       users_,         hasher_,   audit_,
                                           clock_,     policy_list_,   throttle_, outbox_,
                                           templates_, account_tokens_};
  ASSERT_THAT(
      change.execute({stored_->id(), sessionOf(tokens[0]), kPassword, "a fine new one", {}}),
      IsOk());
  EXPECT_THAT(confirm_.execute(link, "the attacker's pick", {}), HasError(ErrorCode::TokenInvalid));
}

// A lockout an attacker keeps up must not outlast the owner's reset.
TEST_F(AccountLifecycleTest, APasswordResetLiftsTheAccountsLockout) {
  seedUser();
  auth::application::LoginUser login{uow_, users_, hasher_, tokens_, audit_, clock_, throttle_};
  for (int i = 0; i < 5; ++i) {
    (void)login.execute({std::string("alice@example.com"), std::nullopt, "guess", {}});
  }
  ASSERT_THAT(login.execute({std::string("alice@example.com"), std::nullopt, kPassword, {}}),
              HasError(ErrorCode::RateLimited));
  (void)request_reset_.execute("alice@example.com");
  process_.execute();
  EXPECT_CALL(hasher_, hash(std::string_view("a fine new password")))
      .WillOnce(Return(std::string(kHash)));
  ASSERT_THAT(confirm_.execute(lastToken(), "a fine new password", {}), IsOk());
  EXPECT_THAT(login.execute({std::string("alice@example.com"), std::nullopt, kPassword, {}}),
              IsOk());
}

TEST_F(AccountLifecycleTest, EmailChangeMailsTheNewAddressAndChangesNothingUntilConfirmed) {
  seedUser();
  ASSERT_THAT(request_change_.execute(stored_->id(), " Alice.New@Example.COM ", kPassword, {}),
              IsOk());
  ASSERT_EQ(mails().size(), 1u);
  EXPECT_EQ(mails()[0].to, "alice.new@example.com");
  EXPECT_EQ(stored_->email(), "alice@example.com");
  const auto rows = tokenRows();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].kind, AccountTokenKind::EmailChange);
  EXPECT_EQ(rows[0].new_email, std::optional<std::string>("alice.new@example.com"));
  EXPECT_EQ(rows[0].expires_at - rows[0].created_at, seconds(24 * 3600));
  EXPECT_EQ(eventTypes(), std::vector<AuditEventType>{AuditEventType::EmailChangeRequested});

  events_.clear();
  auto user = confirm_change_.execute(lastToken(), {});
  ASSERT_THAT(user, IsOk());
  EXPECT_EQ(user->email(), "alice.new@example.com");
  EXPECT_TRUE(user->state().email_verified);
  EXPECT_EQ(stored_->email(), "alice.new@example.com");
  EXPECT_EQ(eventTypes(), std::vector<AuditEventType>{AuditEventType::EmailChanged});
  // The old address is told, with the new one named.
  ASSERT_EQ(mails().size(), 2u);
  EXPECT_EQ(mails()[1].to, "alice@example.com");
  EXPECT_NE(mails()[1].text.find("to alice.new@example.com"), std::string::npos);
  // Single use.
  EXPECT_THAT(confirm_change_.execute(mails()[0].text.substr(6), {}),
              HasError(ErrorCode::TokenInvalid));
}

TEST_F(AccountLifecycleTest, EmailChangeChecksThePasswordAndTheAddress) {
  seedUser();
  const Uuid alice = stored_->id();
  fake_users_.put(users::domain::User::create(
      Uuid::v7(clock_.now(), random_), *users::domain::Email::parse("bob@example.com"),
      *users::domain::Username::parse("bob"), std::nullopt, kHash, clock_.now()));
  EXPECT_THAT(request_change_.execute(alice, "new@example.com", "wrong", {}),
              HasError(ErrorCode::InvalidCredentials));
  EXPECT_THAT(request_change_.execute(alice, "not an email", kPassword, {}),
              HasError(ErrorCode::ValidationFailed));
  EXPECT_THAT(request_change_.execute(alice, "BOB@example.com", kPassword, {}),
              HasError(ErrorCode::EmailTaken));
  EXPECT_THAT(request_change_.execute(alice, "Alice@Example.com", kPassword, {}),
              HasError(ErrorCode::ValidationFailed));
  EXPECT_TRUE(mails().empty());
  EXPECT_TRUE(tokenRows().empty());
}

TEST_F(AccountLifecycleTest, AnAddressTakenBeforeTheConfirmationIsRefusedAndTheLinkStaysUsable) {
  seedUser();
  const Uuid alice = stored_->id();
  ASSERT_THAT(request_change_.execute(alice, "shared@example.com", kPassword, {}), IsOk());
  const std::string token = lastToken();
  auto bob = users::domain::User::create(
      Uuid::v7(clock_.now(), random_), *users::domain::Email::parse("shared@example.com"),
      *users::domain::Username::parse("bob"), std::nullopt, kHash, clock_.now());
  fake_users_.put(bob);
  EXPECT_THAT(confirm_change_.execute(token, {}), HasError(ErrorCode::EmailTaken));
  EXPECT_EQ(fake_users_.row(alice)->email(), "alice@example.com");
}

TEST_F(AccountLifecycleTest, AConfirmedEmailChangeEndsTheResetLinksMailedToTheOldAddress) {
  seedUser();
  ASSERT_THAT(request_reset_.execute("alice@example.com"), IsOk());
  process_.execute();
  const std::string reset = lastToken();
  ASSERT_FALSE(reset.empty());
  clock_.advance(seconds(61));  // past the per-minute mail limit
  ASSERT_THAT(request_change_.execute(stored_->id(), "alice2@example.com", kPassword, {}), IsOk());
  ASSERT_THAT(confirm_change_.execute(lastToken(), {}), IsOk());
  EXPECT_THAT(confirm_.execute(reset, "a brand new passphrase", {}),
              HasError(ErrorCode::TokenInvalid));
}

// Review findings: the owner's clean-up ends a pending change, and a confirmed change ends the
// verification links mailed to the old address.
TEST_F(AccountLifecycleTest, APasswordChangeEndsAPendingEmailChange) {
  const auto session = sessionOf(loginTimes(1).at(0));
  ASSERT_THAT(request_change_.execute(stored_->id(), "intruder@example.com", kPassword, {}),
              IsOk());
  const std::string link = lastToken();
  auth::application::ChangePassword change{uow_,       users_,         hasher_,   audit_,
                                           clock_,     policy_list_,   throttle_, outbox_,
                                           templates_, account_tokens_};
  ASSERT_THAT(change.execute({stored_->id(), session, kPassword, "a brand new passphrase", {}}),
              IsOk());
  EXPECT_THAT(confirm_change_.execute(link, {}), HasError(ErrorCode::TokenInvalid));
  EXPECT_EQ(stored_->email(), "alice@example.com");
}

TEST_F(AccountLifecycleTest, AConfirmedEmailChangeEndsTheVerificationLinksOfTheOldAddress) {
  seedUser();
  ASSERT_THAT(request_verification_.execute(stored_->id()), IsOk());
  const std::string verify = lastToken();
  ASSERT_THAT(request_change_.execute(stored_->id(), "alice2@example.com", kPassword, {}), IsOk());
  ASSERT_THAT(confirm_change_.execute(lastToken(), {}), IsOk());
  EXPECT_THAT(verify_.execute(verify, {}), HasError(ErrorCode::TokenInvalid));
}

TEST_F(AccountLifecycleTest, ATakenAddressIsNoFailedLogin) {
  seedUser();
  const Uuid alice = stored_->id();
  fake_users_.put(users::domain::User::create(
      Uuid::v7(clock_.now(), random_), *users::domain::Email::parse("bob@example.com"),
      *users::domain::Username::parse("bob"), std::nullopt, kHash, clock_.now()));
  for (int i = 0; i < 7; ++i) {
    EXPECT_THAT(request_change_.execute(alice, "bob@example.com", kPassword, {}),
                HasError(ErrorCode::EmailTaken));
  }
}

}  // namespace
}  // namespace authd::testing
