#include "features/users/domain/session.hpp"

#include <gtest/gtest.h>

#include "features/users/domain/user.hpp"

namespace authd::users::domain {
namespace {

using std::chrono::seconds;

const Timestamp kT0 = fromMicros(1'800'000'000'000'000);
const Bytes kD0{0}, kD1{1}, kD2{2}, kD3{3};

Uuid idOf(std::uint8_t n) {
  Uuid::Octets o{};
  o[15] = n;
  return Uuid(o);
}

class SessionTest : public ::testing::Test {
 protected:
  SessionPolicy policy_;
  Session session_ = Session::open(idOf(1), kD0, kT0, policy_, "ua", "127.0.0.1");
};

TEST_F(SessionTest, OpensAtGenerationZeroWithAbsoluteExpiry) {
  EXPECT_EQ(session_.generation(), 0u);
  EXPECT_EQ(session_.state().expires_at, kT0 + policy_.refresh_ttl);
  EXPECT_EQ(session_.state().last_used_at, kT0);
  EXPECT_FALSE(session_.state().rotated_at.has_value());
}

TEST_F(SessionTest, CurrentTokenRotatesWithoutExtendingExpiry) {
  const auto t = kT0 + seconds(60);
  EXPECT_EQ(session_.refresh({0, kD0, kD1}, t, policy_), RefreshOutcome::Rotated);
  EXPECT_EQ(session_.generation(), 1u);
  EXPECT_EQ(session_.state().token_digest, kD1);
  EXPECT_EQ(session_.state().rotated_at, t);
  EXPECT_EQ(session_.state().last_used_at, t);
  EXPECT_EQ(session_.state().expires_at, kT0 + policy_.refresh_ttl);
}

TEST_F(SessionTest, RotatedTokenStopsWorkingAsCurrent) {
  ASSERT_EQ(session_.refresh({0, kD0, kD1}, kT0, policy_), RefreshOutcome::Rotated);
  // Presenting generation 0 again with a digest that does not advance to kD1 is not genuine.
  EXPECT_EQ(session_.refresh({0, kD0, kD1}, kT0, policy_), RefreshOutcome::Invalid);
}

TEST_F(SessionTest, PreviousTokenInsideGraceWindowIsAReplayNotAReuse) {
  ASSERT_EQ(session_.refresh({0, kD0, kD1}, kT0, policy_), RefreshOutcome::Rotated);
  EXPECT_EQ(session_.refresh({0, kD1, kD2}, kT0 + policy_.reuse_grace, policy_),
            RefreshOutcome::GraceReplay);
  EXPECT_EQ(session_.generation(), 1u);
  EXPECT_EQ(session_.state().token_digest, kD1);
}

TEST_F(SessionTest, PreviousTokenAfterGraceWindowIsAReuse) {
  ASSERT_EQ(session_.refresh({0, kD0, kD1}, kT0, policy_), RefreshOutcome::Rotated);
  EXPECT_EQ(session_.refresh({0, kD1, kD2}, kT0 + policy_.reuse_grace + seconds(1), policy_),
            RefreshOutcome::Reused);
}

TEST_F(SessionTest, TokenTwoRotationsOldIsAlwaysAReuse) {
  ASSERT_EQ(session_.refresh({0, kD0, kD1}, kT0, policy_), RefreshOutcome::Rotated);
  ASSERT_EQ(session_.refresh({1, kD1, kD2}, kT0, policy_), RefreshOutcome::Rotated);
  EXPECT_EQ(session_.refresh({0, kD2, kD3}, kT0, policy_), RefreshOutcome::Reused);
}

TEST_F(SessionTest, FutureGenerationOrWrongDigestIsInvalid) {
  EXPECT_EQ(session_.refresh({1, kD0, kD1}, kT0, policy_), RefreshOutcome::Invalid);
  EXPECT_EQ(session_.refresh({0, kD3, kD1}, kT0, policy_), RefreshOutcome::Invalid);
  EXPECT_EQ(session_.generation(), 0u);
}

TEST_F(SessionTest, TracesTokensFromThePastWithinTheBoundNeverFromTheFuture) {
  EXPECT_TRUE(session_.canTrace(0));
  EXPECT_FALSE(session_.canTrace(1));
  Session::State far = session_.state();
  far.generation = Session::kMaxGenerationsBack + 5;
  const Session old(far);
  EXPECT_TRUE(old.canTrace(5));
  EXPECT_FALSE(old.canTrace(4));  // one generation further back than the bound
  EXPECT_TRUE(old.canTrace(far.generation));
  EXPECT_FALSE(old.canTrace(far.generation + 1));
}

TEST_F(SessionTest, ExpiresAbsolutelyAndWhenIdle) {
  EXPECT_EQ(session_.refresh({0, kD0, kD1}, kT0 + policy_.refresh_ttl, policy_),
            RefreshOutcome::Invalid);
  policy_.idle_ttl = seconds(100);
  EXPECT_TRUE(session_.isExpired(kT0 + seconds(100), policy_));
  EXPECT_FALSE(session_.isExpired(kT0 + seconds(99), policy_));
}

class UserSessionsTest : public ::testing::Test {
 protected:
  User user_ = User::create(idOf(100), *Email::parse("a@example.com"), *Username::parse("alice"),
                            std::nullopt, "hash", kT0);
  SessionPolicy policy_;
};

TEST_F(UserSessionsTest, NewUserHasRoleUserAndIsUnverified) {
  EXPECT_EQ(user_.roles(), std::set<std::string>{"user"});
  EXPECT_FALSE(user_.state().email_verified);
  EXPECT_TRUE(user_.sessions().empty());
}

TEST_F(UserSessionsTest, EvictsLeastRecentlyUsedBeyondTheLimit) {
  policy_.max_sessions = 3;
  for (std::uint8_t i = 1; i <= 3; ++i) {
    user_.openSession(Session::open(idOf(i), kD0, kT0 + seconds(i), policy_, "", ""),
                      kT0 + seconds(i), policy_);
  }
  // Session 1 was opened first but used most recently.
  ASSERT_EQ(user_.refreshSession(idOf(1), {0, kD0, kD1}, kT0 + seconds(10), policy_),
            RefreshOutcome::Rotated);
  user_.openSession(Session::open(idOf(4), kD0, kT0 + seconds(11), policy_, "", ""),
                    kT0 + seconds(11), policy_);
  ASSERT_EQ(user_.sessions().size(), 3u);
  EXPECT_NE(user_.findSession(idOf(1)), nullptr);
  EXPECT_EQ(user_.findSession(idOf(2)), nullptr);  // least recently used
  EXPECT_NE(user_.findSession(idOf(3)), nullptr);
  EXPECT_NE(user_.findSession(idOf(4)), nullptr);
}

TEST_F(UserSessionsTest, PrunesExpiredSessionsWhenOpeningAnother) {
  user_.openSession(Session::open(idOf(1), kD0, kT0, policy_, "", ""), kT0, policy_);
  const auto later = kT0 + policy_.idle_ttl + seconds(1);
  user_.openSession(Session::open(idOf(2), kD0, later, policy_, "", ""), later, policy_);
  ASSERT_EQ(user_.sessions().size(), 1u);
  EXPECT_EQ(user_.sessions()[0].id(), idOf(2));
}

TEST_F(UserSessionsTest, ReuseRevokesTheWholeSession) {
  user_.openSession(Session::open(idOf(1), kD0, kT0, policy_, "", ""), kT0, policy_);
  ASSERT_EQ(user_.refreshSession(idOf(1), {0, kD0, kD1}, kT0, policy_), RefreshOutcome::Rotated);
  const auto late = kT0 + policy_.reuse_grace + seconds(1);
  EXPECT_EQ(user_.refreshSession(idOf(1), {0, kD1, kD2}, late, policy_), RefreshOutcome::Reused);
  EXPECT_EQ(user_.findSession(idOf(1)), nullptr);
  // The current token of the revoked session no longer works either.
  EXPECT_EQ(user_.refreshSession(idOf(1), {1, kD1, kD2}, late, policy_), RefreshOutcome::Invalid);
}

TEST_F(UserSessionsTest, GrantRoleIsIdempotent) {
  EXPECT_TRUE(user_.grantRole("admin", kT0 + seconds(5)));
  EXPECT_FALSE(user_.grantRole("admin", kT0 + seconds(6)));
  EXPECT_EQ(user_.roles(), (std::set<std::string>{"admin", "user"}));
  EXPECT_EQ(user_.state().updated_at, kT0 + seconds(5));
}

}  // namespace
}  // namespace authd::users::domain
