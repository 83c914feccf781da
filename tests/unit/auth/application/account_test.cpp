#include "features/auth/application/use_cases/account.hpp"

#include "features/auth/application/use_cases/login_user.hpp"
#include "features/auth/application/use_cases/register_user.hpp"
#include "use_case_fixture.hpp"

namespace authd::testing {
namespace {

using std::chrono::seconds;
using ::testing::_;
using ::testing::Return;
using users::application::AuditEventType;

class AccountTest : public AuthUseCaseTest {
 protected:
  users::domain::PasswordPolicy policy_list_{{"password123"}};
  auth::application::ChangePassword change_{uow_,       users_,         hasher_,   audit_,
                                            clock_,     policy_list_,   throttle_, outbox_,
                                            templates_, account_tokens_};
  auth::application::DeleteAccount delete_{uow_, users_, hasher_, audit_, clock_, throttle_};
};

TEST_F(AccountTest, ChangePasswordKeepsOnlyTheCallersSession) {
  auto tokens = loginTimes(3);
  EXPECT_CALL(hasher_, hash(std::string_view("a brand new secret")))
      .WillOnce(Return(std::string("$new")));
  ASSERT_THAT(
      change_.execute({stored_->id(), sessionOf(tokens[1]), kPassword, "a brand new secret", {}}),
      IsOk());
  EXPECT_EQ(stored_->passwordHash(), "$new");
  ASSERT_EQ(stored_->sessions().size(), 1u);
  EXPECT_EQ(stored_->sessions()[0].id(), sessionOf(tokens[1]));
  EXPECT_EQ(eventTypes(), std::vector<AuditEventType>{AuditEventType::PasswordChanged});
}

TEST_F(AccountTest, WrongCurrentPasswordIsInvalidCredentialsAndAFailedLogin) {
  auto tokens = loginTimes(1);
  EXPECT_CALL(hasher_, hash).Times(0);
  EXPECT_CALL(users_, update).Times(0);
  EXPECT_THAT(
      change_.execute({stored_->id(), sessionOf(tokens[0]), "wrong one", "a brand new secret", {}}),
      HasError(ErrorCode::InvalidCredentials));
  EXPECT_EQ(eventTypes(), std::vector<AuditEventType>{AuditEventType::LoginFailed});
}

TEST_F(AccountTest, NewPasswordMustMeetThePolicy) {
  auto tokens = loginTimes(1);
  auto r = change_.execute({stored_->id(), sessionOf(tokens[0]), kPassword, "password123", {}});
  ASSERT_THAT(r, HasError(ErrorCode::ValidationFailed));
  EXPECT_EQ(r.error().fields.at(0).field, "new_password");
  EXPECT_EQ(stored_->passwordHash(), kHash);
}

TEST_F(AccountTest, DeleteAccountSoftDeletesAndRevokesEverything) {
  auto tokens = loginTimes(2);
  const Uuid id = stored_->id();
  ASSERT_THAT(delete_.execute(id, sessionOf(tokens[0]), kPassword, {}), IsOk());
  EXPECT_TRUE(stored_->isDeleted());
  EXPECT_TRUE(stored_->sessions().empty());
  EXPECT_EQ(stored_->email(), "alice@example.com");  // stays reserved
  EXPECT_EQ(eventTypes(), std::vector<AuditEventType>{AuditEventType::AccountDeleted});
  // Gone from every read path: a login now fails like an unknown account.
  auth::application::LoginUser login{uow_, users_, hasher_, tokens_, audit_, clock_, throttle_};
  EXPECT_THAT(login.execute({std::string("alice@example.com"), std::nullopt, kPassword, {}}),
              HasError(ErrorCode::InvalidCredentials));
}

TEST_F(AccountTest, DeleteAccountWithWrongPasswordChangesNothing) {
  auto tokens = loginTimes(1);
  EXPECT_THAT(delete_.execute(stored_->id(), sessionOf(tokens[0]), "wrong", {}),
              HasError(ErrorCode::InvalidCredentials));
  EXPECT_FALSE(stored_->isDeleted());
}

TEST_F(AccountTest, ListEventsPagesNewestFirst) {
  std::vector<users::application::AuditEvent> all;
  for (int i = 0; i < 3; ++i) {
    all.push_back({Uuid::v7(clock_.now(), random_), std::nullopt, AuditEventType::LoginFailed,
                   clock_.now(), "", ""});
  }
  auth::application::ListEvents list(uow_, audit_log_);
  EXPECT_CALL(audit_log_, listForUser(_, ::testing::Eq(std::nullopt), 3u)).WillOnce(Return(all));
  auto page = list.execute(Uuid(), std::string("2"), std::nullopt);
  ASSERT_THAT(page, IsOk());
  EXPECT_EQ(page->events.size(), 2u);
  ASSERT_TRUE(page->next_cursor.has_value());
  EXPECT_CALL(audit_log_, listForUser(_, ::testing::Ne(std::nullopt), 3u))
      .WillOnce(
          [&](const Uuid&, const std::optional<users::application::EventCursor>& c, std::size_t) {
            EXPECT_EQ(c->id, all[1].id);
            return std::vector<users::application::AuditEvent>{all[2]};
          });
  auto next = list.execute(Uuid(), std::string("2"), page->next_cursor);
  ASSERT_THAT(next, IsOk());
  EXPECT_EQ(next->events.size(), 1u);
  EXPECT_FALSE(next->next_cursor.has_value());
}

TEST_F(AccountTest, ListEventsRejectsBadLimitAndCursor) {
  auth::application::ListEvents list(uow_, audit_log_);
  EXPECT_THAT(list.execute(Uuid(), std::string("0"), std::nullopt),
              HasError(ErrorCode::ValidationFailed));
  EXPECT_THAT(list.execute(Uuid(), std::string("101"), std::nullopt),
              HasError(ErrorCode::ValidationFailed));
  EXPECT_THAT(list.execute(Uuid(), std::string("ten"), std::nullopt),
              HasError(ErrorCode::ValidationFailed));
  EXPECT_THAT(list.execute(Uuid(), std::nullopt, std::string("%%%")),
              HasError(ErrorCode::ValidationFailed));
}

TEST_F(AccountTest, RegisterLoginAndReuseAreAudited) {
  seedUser();
  auth::application::LoginUser login{uow_, users_, hasher_, tokens_, audit_, clock_, throttle_};
  (void)login.execute({std::string("alice@example.com"), std::nullopt, "wrong", {"ua", "9.9.9.9"}});
  (void)login.execute({std::string("nobody@example.com"), std::nullopt, "wrong", {}});
  (void)login.execute({std::string("alice@example.com"), std::nullopt, kPassword, {}});
  ASSERT_EQ(events_.size(), 3u);
  EXPECT_EQ(events_[0].type, AuditEventType::LoginFailed);
  EXPECT_EQ(events_[0].user_id, stored_->id());
  EXPECT_EQ(events_[0].ip, "9.9.9.9");
  EXPECT_EQ(events_[0].user_agent, "ua");
  EXPECT_FALSE(events_[1].user_id.has_value());  // unknown identifier
  EXPECT_EQ(events_[2].type, AuditEventType::LoginSucceeded);
}

TEST_F(AccountTest, ChangePasswordRetriesALostRace) {
  auto tokens = loginTimes(2);
  loseNextUpdate(users_, fake_users_, db_);
  ASSERT_THAT(
      change_.execute({stored_->id(), sessionOf(tokens[0]), kPassword, "a brand new secret", {}}),
      IsOk());
  EXPECT_EQ(stored_->sessions().size(), 1u);
  EXPECT_EQ(eventTypes().back(), AuditEventType::PasswordChanged);
}

TEST_F(AccountTest, DeleteAccountRetriesALostRace) {
  auto tokens = loginTimes(1);
  const Uuid id = stored_->id();
  loseNextUpdate(users_, fake_users_, db_);
  ASSERT_THAT(delete_.execute(id, sessionOf(tokens[0]), kPassword, {}), IsOk());
  EXPECT_TRUE(stored_->isDeleted());
}

// Issue 12, finding 1: the password is checked outside the write; if it changes before the
// write, the check proves nothing.
TEST_F(AccountTest, APasswordChangedBetweenTheCheckAndTheWriteRefusesTheChange) {
  auto tokens = loginTimes(2);
  EXPECT_CALL(users_, update(::testing::_))
      .WillOnce([this](users::domain::User& user) -> Status {
        // The owner resets the password while our request is between its check and its write.
        changeConcurrently(db_, user.id(), [this](users::domain::User& row) {
          row.changePasswordHash("$reset-by-owner", clock_.now());
        });
        return fail(ErrorCode::Conflict, "lost the race");
      })
      .WillRepeatedly(::testing::Invoke(&fake_users_, &InMemoryUserRepository::update));
  EXPECT_THAT(
      change_.execute({stored_->id(), sessionOf(tokens[0]), kPassword, "attacker's pick", {}}),
      HasError(ErrorCode::InvalidCredentials));
  EXPECT_EQ(stored_->passwordHash(), "$reset-by-owner");
}

TEST_F(AccountTest, DeleteAccountNeedsTheCallersSessionStillLive) {
  auto tokens = loginTimes(2);
  EXPECT_CALL(users_, update(::testing::_))
      .WillOnce([this, &tokens](users::domain::User& user) -> Status {
        // The owner revokes the caller's session (a stolen token) meanwhile.
        changeConcurrently(db_, user.id(), [this, &tokens](users::domain::User& row) {
          row.revokeSession(sessionOf(tokens[0]), clock_.now());
        });
        return fail(ErrorCode::Conflict, "lost the race");
      })
      .WillRepeatedly(::testing::Invoke(&fake_users_, &InMemoryUserRepository::update));
  EXPECT_THAT(delete_.execute(stored_->id(), sessionOf(tokens[0]), kPassword, {}),
              HasError(ErrorCode::Unauthorized));
  EXPECT_FALSE(stored_->isDeleted());
}

// Issue 12, finding 2: a stolen access token gives no more guesses than the login form.
TEST_F(AccountTest, WrongCurrentPasswordsCountAgainstTheAccountsLockout) {
  auto tokens = loginTimes(1);
  for (int i = 0; i < 5; ++i) {
    EXPECT_THAT(change_.execute({stored_->id(), sessionOf(tokens[0]), "guess", "x new one x", {}}),
                HasError(ErrorCode::InvalidCredentials));
  }
  EXPECT_THAT(delete_.execute(stored_->id(), sessionOf(tokens[0]), kPassword, {}),
              HasError(ErrorCode::RateLimited));
  auth::application::LoginUser login{uow_, users_, hasher_, tokens_, audit_, clock_, throttle_};
  EXPECT_THAT(login.execute({std::nullopt, std::string("alice"), kPassword, {}}),
              HasError(ErrorCode::RateLimited));
}

// Issue 12, finding 5 (ASVS 2.2.3): the owner hears of a password change, in the same
// transaction as the change; a refused change sends nothing.
TEST_F(AccountTest, APasswordChangeIsNotifiedToTheAccountsAddress) {
  auto tokens = loginTimes(1);
  EXPECT_THAT(change_.execute({stored_->id(), sessionOf(tokens[0]), "wrong", "a new secret!", {}}),
              HasError(ErrorCode::InvalidCredentials));
  EXPECT_TRUE(db_.tables.outbox.empty());
  ASSERT_THAT(
      change_.execute({stored_->id(), sessionOf(tokens[0]), kPassword, "a new secret!", {}}),
      IsOk());
  ASSERT_EQ(db_.tables.outbox.size(), 1u);
  EXPECT_EQ(db_.tables.outbox[0].to, "alice@example.com");
  EXPECT_EQ(db_.tables.outbox[0].text, "changed at " + formatRfc3339(clock_.now()));
}

}  // namespace
}  // namespace authd::testing
