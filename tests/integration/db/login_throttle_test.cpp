#include <gtest/gtest.h>

#include <algorithm>
#include <thread>
#include <vector>

#include "features/auth/infrastructure/persistence/odb_login_throttle.hpp"
#include "shared/infrastructure/odb_unit_of_work.hpp"
#include "test_database.hpp"

namespace authd::testing {
namespace {

using auth::infrastructure::OdbLoginThrottle;
using std::chrono::seconds;

class LoginThrottleTest : public ::testing::Test {
 protected:
  auth::application::LoginThrottle::Count count(const std::string& id, Timestamp now) {
    auto tx = uow_.begin();
    auto c = throttle_.countAttempt(id, now, seconds(900));
    tx->commit();
    return c;
  }

  TestDatabase database_;
  OdbUnitOfWork uow_{database_.db()};
  OdbLoginThrottle throttle_{database_.db(), secretFrom(Bytes(32, 7))};
  Timestamp t0_ = fromMicros(1'700'000'000'000'000);
};

TEST_F(LoginThrottleTest, CountsPerIdentifierWithinOneWindow) {
  EXPECT_EQ(count("alice@example.com", t0_).attempts, 1);
  const auto second = count("alice@example.com", t0_ + seconds(30));
  EXPECT_EQ(second.attempts, 2);
  EXPECT_EQ(second.window_started_at, t0_);  // the window starts at the first attempt
  EXPECT_EQ(count("bob", t0_ + seconds(31)).attempts, 1);
}

TEST_F(LoginThrottleTest, AnExpiredWindowStartsAgainAtOne) {
  for (int i = 0; i < 6; ++i) count("alice", t0_ + seconds(i));
  const auto later = count("alice", t0_ + seconds(900));
  EXPECT_EQ(later.attempts, 1);
  EXPECT_EQ(later.window_started_at, t0_ + seconds(900));
}

TEST_F(LoginThrottleTest, PruneDeletesWindowsStartedBeforeTheCutoff) {
  count("alice", t0_);
  count("bob", t0_ + seconds(100));
  EXPECT_EQ(throttle_.pruneBefore(t0_ + seconds(50)), 1u);
  EXPECT_EQ(count("alice", t0_ + seconds(101)).attempts, 1);  // its count was gone
  EXPECT_EQ(count("bob", t0_ + seconds(101)).attempts, 2);
}

TEST_F(LoginThrottleTest, ResetForgetsOnlyThatIdentifier) {
  count("alice", t0_);
  count("bob", t0_);
  {
    auto tx = uow_.begin();
    throttle_.reset("alice");
    tx->commit();
  }
  EXPECT_EQ(count("alice", t0_ + seconds(1)).attempts, 1);
  EXPECT_EQ(count("bob", t0_ + seconds(1)).attempts, 2);
}

TEST_F(LoginThrottleTest, StoresOnlyAKeyedDigestOfTheIdentifier) {
  count("alice@example.com", t0_);
  EXPECT_EQ(database_.exec("SELECT 1 FROM login_failures WHERE identifier_digest LIKE '%alice%'"),
            0u);
  EXPECT_EQ(database_.exec("SELECT 1 FROM login_failures WHERE identifier_digest = '" +
                           throttle_.digestOf("alice@example.com") + "'"),
            1u);
  // Another key gives another digest, so the rows cannot be matched against a word list
  // without the server's key.
  OdbLoginThrottle other(database_.db(), secretFrom(Bytes(32, 8)));
  EXPECT_NE(other.digestOf("alice@example.com"), throttle_.digestOf("alice@example.com"));
}

TEST_F(LoginThrottleTest, ConcurrentAttemptsEachGetADistinctCount) {
  constexpr int kThreads = 8;
  std::vector<int> seen(kThreads);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] { seen[i] = count("target", t0_).attempts; });
  }
  for (auto& t : threads) t.join();
  std::sort(seen.begin(), seen.end());
  for (int i = 0; i < kThreads; ++i) EXPECT_EQ(seen[i], i + 1);
}

}  // namespace
}  // namespace authd::testing
