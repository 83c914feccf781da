#include "features/auth/application/use_cases/login_user.hpp"

#include "use_case_fixture.hpp"

namespace authd::testing {
namespace {

using ::testing::_;
using ::testing::Return;

class LoginUserTest : public AuthUseCaseTest {
 protected:
  auth::application::LoginUser login_{uow_, users_, hasher_, tokens_, audit_, clock_, throttle_};
};

TEST_F(LoginUserTest, OpensANewSessionByEmailIgnoringCase) {
  seedUser();
  auto result = login_.execute(
      {std::string(" ALICE@example.com "), std::nullopt, kPassword, {"ua", "1.2.3.4"}});
  ASSERT_THAT(result, IsOk());
  ASSERT_EQ(stored_->sessions().size(), 1u);
  EXPECT_EQ(stored_->version(), 2u);
  EXPECT_EQ(commits_, 2);  // the attempt count, then the session
  EXPECT_EQ(result->user.email, "alice@example.com");
}

TEST_F(LoginUserTest, AcceptsUsernameInsteadOfEmail) {
  seedUser();
  EXPECT_THAT(login_.execute({std::nullopt, std::string("Alice"), kPassword, {}}), IsOk());
}

TEST_F(LoginUserTest, WrongPasswordIsInvalidCredentialsAfterOneVerification) {
  seedUser();
  EXPECT_CALL(hasher_, verify(std::string(kHash), std::string_view("wrong password"))).Times(1);
  EXPECT_CALL(users_, update).Times(0);
  auto result =
      login_.execute({std::string("alice@example.com"), std::nullopt, "wrong password", {}});
  EXPECT_THAT(result, HasError(ErrorCode::InvalidCredentials));
}

TEST_F(LoginUserTest, UnknownAccountGetsTheSameAnswerAfterTheSameHashingWork) {
  seedUser();
  const auto wrong =
      login_.execute({std::string("alice@example.com"), std::nullopt, "wrong password", {}});
  // No account: the password is still verified once, against the dummy hash that the
  // (normalised) identifier picks, so one identifier always costs the same.
  EXPECT_CALL(hasher_, dummyHash(std::string_view("nobody@example.com")))
      .WillOnce(Return(dummy_hash_));
  EXPECT_CALL(hasher_, verify(dummy_hash_, std::string_view(kPassword))).Times(1);
  EXPECT_CALL(users_, update).Times(0);
  const auto unknown =
      login_.execute({std::string(" NoBody@Example.com"), std::nullopt, kPassword, {}});
  ASSERT_THAT(unknown, HasError(ErrorCode::InvalidCredentials));
  ASSERT_THAT(wrong, HasError(ErrorCode::InvalidCredentials));
  EXPECT_EQ(unknown.error().detail, wrong.error().detail);
}

TEST_F(LoginUserTest, VersionConflictIsRetriedWithAFreshCopy) {
  seedUser();
  // Another request writes the user between our read and our update.
  EXPECT_CALL(users_, update)
      .WillOnce([this](users::domain::User&) -> Status {
        stored_->setVersion(stored_->version() + 1);
        return fail(ErrorCode::Conflict);
      })
      .WillOnce([this](users::domain::User& u) -> Status {
        EXPECT_EQ(u.version(), stored_->version());
        u.setVersion(u.version() + 1);
        stored_ = u;
        return ok();
      });
  EXPECT_CALL(users_, findByIdForUpdate(_)).Times(1);  // the retry reads with a row lock
  auto result = login_.execute({std::string("alice@example.com"), std::nullopt, kPassword, {}});
  ASSERT_THAT(result, IsOk());
  EXPECT_EQ(commits_, 2);
  EXPECT_EQ(stored_->sessions().size(), 1u);
}

TEST_F(LoginUserTest, GivesUpAfterRepeatedConflicts) {
  seedUser();
  EXPECT_CALL(users_, update).Times(3).WillRepeatedly(Return(Status(fail(ErrorCode::Conflict))));
  EXPECT_THAT(login_.execute({std::string("alice@example.com"), std::nullopt, kPassword, {}}),
              HasError(ErrorCode::Conflict));
  EXPECT_EQ(commits_, 1);  // only the attempt count
}

TEST_F(LoginUserTest, EvictsTheLeastRecentlyUsedSessionBeyondTheLimit) {
  seedUser();
  policy_.max_sessions = 2;
  auth::application::SessionTokens tokens{random_, refresh_hasher_, issuer_, policy_};
  auth::application::LoginUser login{uow_, users_, hasher_, tokens, audit_, clock_, throttle_};
  std::vector<Uuid> sessions;
  for (int i = 0; i < 3; ++i) {
    clock_.advance(std::chrono::seconds(1));
    auto r = login.execute({std::string("alice@example.com"), std::nullopt, kPassword, {}});
    ASSERT_THAT(r, IsOk());
    sessions.push_back(auth::domain::RefreshToken::decode(r->refresh_token)->session_id);
  }
  ASSERT_EQ(stored_->sessions().size(), 2u);
  EXPECT_EQ(stored_->findSession(sessions[0]), nullptr);
  EXPECT_NE(stored_->findSession(sessions[2]), nullptr);
}

auth::application::LoginUser::Input attempt(const char* email, const char* password) {
  return {std::string(email), std::nullopt, password, {}};
}

TEST_F(LoginUserTest, SixthAttemptInTheWindowIsRateLimitedEvenWithTheRightPassword) {
  seedUser();
  for (int i = 0; i < 5; ++i) {
    clock_.advance(std::chrono::seconds(10));
    EXPECT_THAT(login_.execute(attempt("alice@example.com", "wrong password")),
                HasError(ErrorCode::InvalidCredentials));
  }
  clock_.advance(std::chrono::seconds(10));
  EXPECT_CALL(hasher_, verify).Times(0);  // locked out before any Argon2id work
  auto locked = login_.execute(attempt("ALICE@example.com", kPassword));
  ASSERT_THAT(locked, HasError(ErrorCode::RateLimited));
  // The window began at the first failure, 50 s before this attempt.
  EXPECT_EQ(locked.error().retry_after, 900 - 50);
  EXPECT_TRUE(stored_->sessions().empty());
}

TEST_F(LoginUserTest, UnknownIdentifierIsLockedOutTheSameWay) {
  seedUser();
  auth::application::LoginUser strict{uow_,   users_, hasher_,   tokens_,
                                      audit_, clock_, throttle_, {2, Seconds(60)}};
  EXPECT_THAT(strict.execute(attempt("nobody@example.com", "x1")),
              HasError(ErrorCode::InvalidCredentials));
  EXPECT_THAT(strict.execute(attempt("nobody@example.com", "x2")),
              HasError(ErrorCode::InvalidCredentials));
  auto locked = strict.execute(attempt("nobody@example.com", "x3"));
  ASSERT_THAT(locked, HasError(ErrorCode::RateLimited));
  EXPECT_EQ(locked.error().retry_after, 60);
  // Another identifier has its own count.
  EXPECT_THAT(strict.execute(attempt("alice@example.com", kPassword)), IsOk());
}

TEST_F(LoginUserTest, SuccessResetsTheCountAndAnExpiredWindowStartsAfresh) {
  seedUser();
  for (int i = 0; i < 4; ++i) {
    EXPECT_THAT(login_.execute(attempt("alice@example.com", "wrong password")),
                HasError(ErrorCode::InvalidCredentials));
  }
  ASSERT_THAT(login_.execute(attempt("alice@example.com", kPassword)), IsOk());
  for (int i = 0; i < 5; ++i) {
    EXPECT_THAT(login_.execute(attempt("alice@example.com", "wrong password")),
                HasError(ErrorCode::InvalidCredentials));
  }
  EXPECT_THAT(login_.execute(attempt("alice@example.com", kPassword)),
              HasError(ErrorCode::RateLimited));
  clock_.advance(std::chrono::seconds(900));
  EXPECT_THAT(login_.execute(attempt("alice@example.com", kPassword)), IsOk());
}

TEST_F(LoginUserTest, ZeroMaxFailsTurnsTheLockoutOff) {
  seedUser();
  auth::application::LoginUser open{uow_,   users_, hasher_,   tokens_,
                                    audit_, clock_, throttle_, {0, Seconds(900)}};
  EXPECT_CALL(throttle_, countAttempt).Times(0);
  for (int i = 0; i < 7; ++i) {
    EXPECT_THAT(open.execute(attempt("alice@example.com", "wrong password")),
                HasError(ErrorCode::InvalidCredentials));
  }
  EXPECT_THAT(open.execute(attempt("alice@example.com", kPassword)), IsOk());
}

TEST_F(LoginUserTest, WeakerStoredHashIsReplacedOnSuccessfulLogin) {
  seedUser();
  EXPECT_CALL(hasher_, needsRehash(std::string(kHash))).WillOnce(Return(true));
  EXPECT_CALL(hasher_, hash(std::string_view(kPassword)))
      .WillOnce(Return(std::string("$argon2id$stronger")));
  ASSERT_THAT(login_.execute(attempt("alice@example.com", kPassword)), IsOk());
  EXPECT_EQ(stored_->passwordHash(), "$argon2id$stronger");
}

TEST_F(LoginUserTest, CurrentHashIsKeptAndWrongPasswordsNeverRehash) {
  seedUser();
  EXPECT_CALL(hasher_, needsRehash).WillOnce(Return(false));
  EXPECT_CALL(hasher_, hash).Times(0);
  EXPECT_THAT(login_.execute(attempt("alice@example.com", "wrong password")),
              HasError(ErrorCode::InvalidCredentials));
  ASSERT_THAT(login_.execute(attempt("alice@example.com", kPassword)), IsOk());
  EXPECT_EQ(stored_->passwordHash(), kHash);
}

// Issue 12, finding 3: five guesses by email and five by username are five guesses at one
// account, not ten; a lock taken by email holds for the username too.
TEST_F(LoginUserTest, AnAccountsEmailAndUsernameShareOneCount) {
  seedUser();
  for (int i = 0; i < 3; ++i) {
    EXPECT_THAT(login_.execute(attempt("alice@example.com", "wrong")),
                HasError(ErrorCode::InvalidCredentials));
  }
  for (int i = 0; i < 2; ++i) {
    EXPECT_THAT(login_.execute({std::nullopt, std::string("alice"), "wrong", {}}),
                HasError(ErrorCode::InvalidCredentials));
  }
  EXPECT_THAT(login_.execute({std::nullopt, std::string("ALICE"), kPassword, {}}),
              HasError(ErrorCode::RateLimited));
  EXPECT_THAT(login_.execute(attempt("alice@example.com", kPassword)),
              HasError(ErrorCode::RateLimited));
}

// Issue 12, finding 1: a login with the old password in flight while the owner changes it
// must not get a session (nor write the old password's re-hash over the new one).
TEST_F(LoginUserTest, APasswordChangedBetweenTheCheckAndTheWriteOpensNoSession) {
  seedUser();
  EXPECT_CALL(users_, update(_))
      .WillOnce([this](users::domain::User& user) -> Status {
        changeConcurrently(db_, user.id(), [this](users::domain::User& row) {
          row.changePasswordHash("$changed-by-owner", clock_.now());
        });
        return fail(ErrorCode::Conflict, "lost the race");
      })
      .WillRepeatedly(::testing::Invoke(&fake_users_, &InMemoryUserRepository::update));
  EXPECT_THAT(login_.execute(attempt("alice@example.com", kPassword)),
              HasError(ErrorCode::InvalidCredentials));
  EXPECT_TRUE(stored_->sessions().empty());
  EXPECT_EQ(stored_->passwordHash(), "$changed-by-owner");
}

}  // namespace
}  // namespace authd::testing
