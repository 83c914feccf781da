#include "features/auth/application/use_cases/session_management.hpp"

#include "features/auth/application/use_cases/authenticate.hpp"
#include "features/auth/application/use_cases/login_user.hpp"
#include "features/auth/application/use_cases/refresh_session.hpp"
#include "use_case_fixture.hpp"

namespace authd::testing {
namespace {

using std::chrono::seconds;
using ::testing::_;
using ::testing::Return;
using users::application::AuditEventType;

class SessionManagementTest : public AuthUseCaseTest {
 protected:
  auth::application::AccessClaims claimsFor(const Uuid& sid) {
    auth::application::AccessClaims c;
    c.subject = stored_->id();
    c.session = sid;
    c.issued_at = toUnixSeconds(clock_.now());
    c.expires_at = c.issued_at + 900;
    c.issuer = "iss";
    c.audience = "authd";
    c.roles = {"user"};
    return c;
  }

  NiceMock<MockAccessTokenVerifier> verifier_;
  auth::application::SessionDeps deps_{uow_, users_, tokens_, audit_, clock_};
};

TEST_F(SessionManagementTest, LogoutRevokesOnlyThatSessionAndIsIdempotent) {
  auto tokens = loginTimes(2);
  auth::application::Logout logout(deps_);
  ASSERT_THAT(logout.execute(tokens[0], {}), IsOk());
  EXPECT_EQ(stored_->findSession(sessionOf(tokens[0])), nullptr);
  EXPECT_NE(stored_->findSession(sessionOf(tokens[1])), nullptr);
  EXPECT_EQ(eventTypes(), std::vector<AuditEventType>{AuditEventType::Logout});
  // Nothing written: no update and no event.
  EXPECT_CALL(users_, update).Times(0);
  EXPECT_THAT(logout.execute(tokens[0], {}), IsOk());  // already revoked
  EXPECT_THAT(logout.execute("garbage", {}), IsOk());  // malformed
  EXPECT_EQ(eventTypes(), std::vector<AuditEventType>{AuditEventType::Logout});
}

TEST_F(SessionManagementTest, LogoutIgnoresAForgedTokenForARealSession) {
  auto tokens = loginTimes(1);
  auto forged = *auth::domain::RefreshToken::decode(tokens[0]);
  forged.secret = Bytes(32, 0x42);
  EXPECT_CALL(users_, update).Times(0);
  EXPECT_THAT(auth::application::Logout(deps_).execute(forged.encode(), {}), IsOk());
  EXPECT_EQ(stored_->sessions().size(), 1u);
}

TEST_F(SessionManagementTest, LogoutAllRevokesEverySession) {
  loginTimes(3);
  ASSERT_THAT(auth::application::LogoutAll(deps_).execute(stored_->id(), {}), IsOk());
  EXPECT_TRUE(stored_->sessions().empty());
  EXPECT_EQ(eventTypes(), std::vector<AuditEventType>{AuditEventType::LogoutAll});
  EXPECT_THAT(auth::application::LogoutAll(deps_).execute(Uuid(), {}),
              HasError(ErrorCode::Unauthorized));
}

TEST_F(SessionManagementTest, RevokeSessionOnlyForTheCallersOwnSessions) {
  auto tokens = loginTimes(2);
  auth::application::RevokeSession revoke(deps_);
  EXPECT_THAT(revoke.execute(stored_->id(), "not-a-uuid", {}), HasError(ErrorCode::NotFound));
  EXPECT_THAT(revoke.execute(stored_->id(), Uuid().toString(), {}), HasError(ErrorCode::NotFound));
  ASSERT_THAT(revoke.execute(stored_->id(), sessionOf(tokens[1]).toString(), {}), IsOk());
  EXPECT_EQ(stored_->sessions().size(), 1u);
  EXPECT_EQ(eventTypes(), std::vector<AuditEventType>{AuditEventType::SessionRevoked});
}

TEST_F(SessionManagementTest, RevokeTokenHandlesRefreshAndAccessTokens) {
  auto tokens = loginTimes(2);
  auth::application::RevokeToken revoke(deps_, verifier_);
  EXPECT_CALL(verifier_, verify(_, _))
      .WillRepeatedly(
          Return(Result<auth::application::AccessClaims>(fail(ErrorCode::Unauthorized))));
  ASSERT_THAT(revoke.execute(tokens[0], std::string("refresh_token"), {}), IsOk());
  EXPECT_EQ(stored_->findSession(sessionOf(tokens[0])), nullptr);
  // An access token revokes its sid.
  const Uuid sid = sessionOf(tokens[1]);
  EXPECT_CALL(verifier_, verify(std::string_view("a.b.c"), _)).WillOnce(Return(claimsFor(sid)));
  ASSERT_THAT(revoke.execute("a.b.c", std::nullopt, {}), IsOk());
  EXPECT_TRUE(stored_->sessions().empty());
  // Tokens that are not ours change nothing and still succeed.
  EXPECT_THAT(revoke.execute("x.y.z", std::nullopt, {}), IsOk());
  EXPECT_THAT(revoke.execute("opaque", std::string("access_token"), {}), IsOk());
}

TEST_F(SessionManagementTest, ListSessionsMarksCurrentAndSkipsExpired) {
  auto tokens = loginTimes(2);
  auth::application::ListSessions list(deps_, policy_);
  auto listed = list.execute(stored_->id(), sessionOf(tokens[0]));
  ASSERT_THAT(listed, IsOk());
  const auto& views = *listed;
  ASSERT_EQ(views.size(), 2u);
  EXPECT_EQ(views[0].session.id, sessionOf(tokens[1]));  // most recently used first
  EXPECT_FALSE(views[0].current);
  EXPECT_TRUE(views[1].current);
  clock_.advance(policy_.refresh_ttl);
  auto later = list.execute(stored_->id(), Uuid());
  ASSERT_THAT(later, IsOk());
  EXPECT_TRUE(later->empty());
  EXPECT_THAT(list.execute(Uuid(), Uuid()), HasError(ErrorCode::Unauthorized));
}

TEST_F(SessionManagementTest, AuthenticateNeedsAValidTokenAndALiveSession) {
  auto tokens = loginTimes(1);
  const Uuid sid = sessionOf(tokens[0]);
  auth::application::Authenticate authenticate(statements_, verifier_, clock_, policy_);
  EXPECT_CALL(verifier_, verify(_, _)).WillRepeatedly(Return(claimsFor(sid)));
  const int begins_before = begins_;
  EXPECT_CALL(statements_, findSession(stored_->id(), sid)).Times(2);  // once per check
  auto principal = authenticate.execute("token");
  ASSERT_THAT(principal, IsOk());
  EXPECT_EQ(begins_, begins_before);  // one narrow read, outside any transaction
  EXPECT_EQ(principal->user_id, stored_->id());
  EXPECT_EQ(principal->roles, std::set<std::string>{"user"});
  EXPECT_EQ(principal->session_id, sid);
  // Revoked session: the still-signed token stops working at once.
  ASSERT_THAT(auth::application::Logout(deps_).execute(tokens[0], {}), IsOk());
  EXPECT_THAT(authenticate.execute("token"), HasError(ErrorCode::Unauthorized));
}

TEST_F(SessionManagementTest, AuthenticateRefusesASessionIdleForTooLong) {
  auto tokens = loginTimes(1);
  auth::application::Authenticate authenticate(statements_, verifier_, clock_, policy_);
  EXPECT_CALL(verifier_, verify(_, _)).WillRepeatedly(Return(claimsFor(sessionOf(tokens[0]))));
  clock_.advance(policy_.idle_ttl - std::chrono::seconds(1));
  EXPECT_THAT(authenticate.execute("token"), IsOk());
  clock_.advance(std::chrono::seconds(1));
  EXPECT_THAT(authenticate.execute("token"), HasError(ErrorCode::Unauthorized));
}

TEST_F(SessionManagementTest, AuthenticateRejectsBadTokensAndDeletedUsers) {
  auto tokens = loginTimes(1);
  auth::application::Authenticate authenticate(statements_, verifier_, clock_, policy_);
  EXPECT_CALL(verifier_, verify(_, _))
      .WillOnce(Return(Result<auth::application::AccessClaims>(fail(ErrorCode::Unauthorized))))
      .WillOnce(Return(claimsFor(sessionOf(tokens[0]))));
  EXPECT_THAT(authenticate.execute("bad"), HasError(ErrorCode::Unauthorized));
  stored_->markDeleted(clock_.now());
  EXPECT_THAT(authenticate.execute("good-but-deleted"), HasError(ErrorCode::Unauthorized));
}

TEST_F(SessionManagementTest, IntrospectIsActiveOnlyWhileTheSessionLives) {
  auto tokens = loginTimes(1);
  const Uuid sid = sessionOf(tokens[0]);
  auth::application::Authenticate authenticate(statements_, verifier_, clock_, policy_);
  auth::application::Introspect introspect(authenticate);
  EXPECT_CALL(verifier_, verify(_, _)).WillRepeatedly(Return(claimsFor(sid)));
  auto active = introspect.execute("t");
  EXPECT_TRUE(active.active);
  EXPECT_EQ(active.claims.session, sid);
  ASSERT_THAT(auth::application::Logout(deps_).execute(tokens[0], {}), IsOk());
  EXPECT_FALSE(introspect.execute("t").active);
}

// Issue 12, finding 6: a token minted while the user was an admin no longer says so once the
// role is gone.
TEST_F(SessionManagementTest, IntrospectAnswersTheRolesTheUserHasNow) {
  auto tokens = loginTimes(1);
  const Uuid sid = sessionOf(tokens[0]);
  auto claims = claimsFor(sid);
  claims.roles = {"admin", "user"};  // as minted
  auth::application::Authenticate authenticate(statements_, verifier_, clock_, policy_);
  auth::application::Introspect introspect(authenticate);
  EXPECT_CALL(verifier_, verify(_, _)).WillRepeatedly(Return(claims));
  const auto out = introspect.execute("t");
  ASSERT_TRUE(out.active);
  EXPECT_EQ(out.claims.roles, std::vector<std::string>{"user"});
}

TEST_F(SessionManagementTest, IntrospectOfABadTokenIsInactive) {
  auth::application::Authenticate authenticate(statements_, verifier_, clock_, policy_);
  auth::application::Introspect introspect(authenticate);
  EXPECT_CALL(verifier_, verify(_, _))
      .WillOnce(Return(Result<auth::application::AccessClaims>(fail(ErrorCode::Unauthorized))));
  EXPECT_CALL(statements_, findSession).Times(0);
  EXPECT_FALSE(introspect.execute("t").active);
}

}  // namespace
}  // namespace authd::testing

namespace authd::testing {
namespace {

TEST_F(SessionManagementTest, RevokingASessionAlsoPrunesExpiredOnes) {
  auto tokens = loginTimes(2);
  // The second session is used near the idle limit; the first is not.
  clock_.advance(policy_.idle_ttl - seconds(10));
  auth::application::RefreshSession refresh{uow_, users_, statements_, tokens_, audit_, clock_};
  auto r = refresh.execute({tokens[1], {}});
  ASSERT_THAT(r, IsOk());
  auto third = loginTimes(1);
  ASSERT_EQ(stored_->sessions().size(), 3u);  // all still live
  clock_.advance(seconds(20));                // now the first has idled out
  ASSERT_THAT(auth::application::RevokeSession(deps_).execute(stored_->id(),
                                                              sessionOf(third[0]).toString(), {}),
              IsOk());
  ASSERT_EQ(stored_->sessions().size(), 1u);
  EXPECT_EQ(stored_->sessions()[0].id(), sessionOf(tokens[1]));
}

// The retry path of each session use case: a lost version race is retried under a row lock.
TEST_F(SessionManagementTest, LogoutRetriesALostRace) {
  auto tokens = loginTimes(2);
  loseNextUpdate(users_, fake_users_, db_);
  ASSERT_THAT(auth::application::Logout(deps_).execute(tokens[0], {}), IsOk());
  EXPECT_EQ(stored_->sessions().size(), 1u);
}

TEST_F(SessionManagementTest, LogoutAllRetriesALostRace) {
  loginTimes(2);
  loseNextUpdate(users_, fake_users_, db_);
  ASSERT_THAT(auth::application::LogoutAll(deps_).execute(stored_->id(), {}), IsOk());
  EXPECT_TRUE(stored_->sessions().empty());
}

TEST_F(SessionManagementTest, RevokeTokenRetriesALostRace) {
  auto tokens = loginTimes(1);
  loseNextUpdate(users_, fake_users_, db_);
  ASSERT_THAT(auth::application::RevokeToken(deps_, verifier_).execute(tokens[0], std::nullopt, {}),
              IsOk());
  EXPECT_TRUE(stored_->sessions().empty());
}

TEST_F(SessionManagementTest, RevokeSessionRetriesALostRace) {
  auto tokens = loginTimes(2);
  loseNextUpdate(users_, fake_users_, db_);
  ASSERT_THAT(auth::application::RevokeSession(deps_).execute(stored_->id(),
                                                              sessionOf(tokens[1]).toString(), {}),
              IsOk());
  EXPECT_EQ(stored_->sessions().size(), 1u);
}

}  // namespace
}  // namespace authd::testing
