#include "features/auth/application/use_cases/refresh_session.hpp"

#include "features/auth/application/use_cases/login_user.hpp"
#include "use_case_fixture.hpp"

namespace authd::testing {
namespace {

using std::chrono::seconds;
using ::testing::_;
using ::testing::Return;

class RefreshSessionTest : public AuthUseCaseTest {
 protected:
  std::string login() {
    seedUser();
    auth::application::LoginUser login{uow_, users_, hasher_, tokens_, audit_, clock_, throttle_};
    auto r = login.execute({std::string("alice@example.com"), std::nullopt, kPassword, {}});
    EXPECT_THAT(r, IsOk());
    return r->refresh_token;
  }
  Result<auth::application::TokenGrant> refresh(const std::string& token) {
    return refresh_.execute({token, {"ua", "1.1.1.1"}});
  }
  auth::application::RefreshSession refresh_{uow_, users_, statements_, tokens_, audit_, clock_};
};

TEST_F(RefreshSessionTest, RotatesAndKeepsTheAbsoluteExpiry) {
  const auto first = login();
  const auto expires = stored_->sessions()[0].state().expires_at;
  clock_.advance(seconds(60));
  auto r = refresh(first);
  ASSERT_THAT(r, IsOk());
  EXPECT_NE(r->refresh_token, first);
  EXPECT_EQ(stored_->sessions()[0].generation(), 1u);
  EXPECT_EQ(stored_->sessions()[0].state().expires_at, expires);
  EXPECT_EQ(stored_->sessions()[0].state().last_used_at, clock_.now());
  EXPECT_EQ(r->refresh_expires_in, policy_.refresh_ttl - seconds(60));
  // The successor works in turn.
  EXPECT_THAT(refresh(r->refresh_token), IsOk());
}

TEST_F(RefreshSessionTest, ReplayInsideGraceWindowReturnsTheSameNewToken) {
  const auto first = login();
  auto a = refresh(first);
  ASSERT_THAT(a, IsOk());
  clock_.advance(policy_.reuse_grace);
  auto b = refresh(first);
  ASSERT_THAT(b, IsOk());
  EXPECT_EQ(b->refresh_token, a->refresh_token);
  EXPECT_EQ(stored_->sessions()[0].generation(), 1u);
  EXPECT_THAT(refresh(a->refresh_token), IsOk());
}

TEST_F(RefreshSessionTest, ReplayAfterGraceWindowRevokesTheSession) {
  const auto first = login();
  auto a = refresh(first);
  ASSERT_THAT(a, IsOk());
  clock_.advance(policy_.reuse_grace + seconds(1));
  const int commits_before = commits_;
  EXPECT_THAT(refresh(first), HasError(ErrorCode::RefreshTokenReused));
  EXPECT_EQ(commits_, commits_before + 1);  // the revocation is committed
  EXPECT_TRUE(stored_->sessions().empty());
  // Every token of the revoked session is now merely invalid.
  EXPECT_THAT(refresh(a->refresh_token), HasError(ErrorCode::RefreshTokenInvalid));
  EXPECT_THAT(refresh(first), HasError(ErrorCode::RefreshTokenInvalid));
}

TEST_F(RefreshSessionTest, TokenTwoRotationsOldIsAReuseEvenInsideTheWindow) {
  const auto first = login();
  auto a = refresh(first);
  auto b = refresh(a->refresh_token);
  ASSERT_THAT(b, IsOk());
  EXPECT_THAT(refresh(first), HasError(ErrorCode::RefreshTokenReused));
  EXPECT_THAT(refresh(b->refresh_token), HasError(ErrorCode::RefreshTokenInvalid));
}

TEST_F(RefreshSessionTest, ForgedOldGenerationDoesNotRevoke) {
  const auto first = login();
  auto a = refresh(first);
  auto b = refresh(a->refresh_token);
  ASSERT_THAT(b, IsOk());
  // Someone who knows the ids (they are in the access token) but not a secret.
  auto forged = *auth::domain::RefreshToken::decode(first);
  forged.secret = Bytes(32, 0x42);
  EXPECT_THAT(refresh(forged.encode()), HasError(ErrorCode::RefreshTokenInvalid));
  EXPECT_EQ(stored_->sessions().size(), 1u);
  EXPECT_THAT(refresh(b->refresh_token), IsOk());
}

TEST_F(RefreshSessionTest, MalformedUnknownAndExpiredTokensAreInvalid) {
  const auto first = login();
  EXPECT_THAT(refresh("not-a-token"), HasError(ErrorCode::RefreshTokenInvalid));
  auto other_user = *auth::domain::RefreshToken::decode(first);
  other_user.user_id = Uuid::v7(clock_.now(), random_);
  EXPECT_THAT(refresh(other_user.encode()), HasError(ErrorCode::RefreshTokenInvalid));
  clock_.advance(policy_.refresh_ttl);
  EXPECT_CALL(users_, update).Times(0);
  EXPECT_CALL(statements_, storeSessions).Times(0);
  EXPECT_THAT(refresh(first), HasError(ErrorCode::RefreshTokenInvalid));
}

TEST_F(RefreshSessionTest, ARotationIsOneReadAndOneGuardedWriteOutsideATransaction) {
  const auto first = login();
  const int begins_before = begins_;
  const auto version = stored_->version();
  EXPECT_CALL(statements_, findUser(_)).Times(1);
  EXPECT_CALL(statements_, storeSessions(_)).Times(1);
  EXPECT_CALL(users_, update).Times(0);
  auto a = refresh(first);
  ASSERT_THAT(a, IsOk());
  EXPECT_EQ(begins_, begins_before);  // no BEGIN, no COMMIT
  EXPECT_EQ(stored_->version(), version + 1);
  EXPECT_EQ(stored_->sessions()[0].generation(), 1u);
}

TEST_F(RefreshSessionTest, AReuseIsWrittenWithItsAuditEventInOneTransaction) {
  const auto first = login();
  ASSERT_THAT(refresh(first), IsOk());
  clock_.advance(policy_.reuse_grace + seconds(1));
  events_.clear();
  const int begins_before = begins_;
  EXPECT_CALL(statements_, storeSessions).Times(0);  // never half of it outside
  EXPECT_THAT(refresh(first), HasError(ErrorCode::RefreshTokenReused));
  EXPECT_EQ(begins_, begins_before + 1);
  EXPECT_EQ(eventTypes(), std::vector<users::application::AuditEventType>{
                              users::application::AuditEventType::RefreshReused});
  EXPECT_TRUE(stored_->sessions().empty());
}

TEST_F(RefreshSessionTest, ConcurrentRotationIsRetriedAndSeenAsGraceReplay) {
  const auto first = login();
  const users::domain::User before_rotation = *stored_;
  auto concurrent = refresh(first);  // the other tab commits first
  ASSERT_THAT(concurrent, IsOk());
  // Our request read the user before that commit, so its guarded write fails, and so does
  // the first transactional attempt, which read it before too.
  EXPECT_CALL(statements_, findUser(_)).WillOnce(Return(before_rotation));
  EXPECT_CALL(users_, findById(_)).WillOnce(Return(before_rotation));
  EXPECT_CALL(users_, findByIdForUpdate(_)).Times(1);  // the retry locks the row
  auto r = refresh(first);
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->refresh_token, concurrent->refresh_token);
  EXPECT_EQ(stored_->sessions()[0].generation(), 1u);
}

}  // namespace
}  // namespace authd::testing
