// BoundedPasswordHasher: at most N hashes at once, a bounded queue, a bounded wait.

#include "features/auth/infrastructure/crypto/bounded_password_hasher.hpp"

#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "shared/core/errors.hpp"

namespace authd {
namespace {

// An inner hasher whose verify() blocks until released, to hold slots open.
class BlockingHasher : public auth::application::PasswordHasher {
 public:
  std::string hash(std::string_view) override { return "h"; }
  bool verify(const std::string&, std::string_view) override {
    std::unique_lock lock(mutex_);
    ++entered_;
    changed_.notify_all();
    changed_.wait(lock, [this] { return released_; });
    return true;
  }
  bool needsRehash(const std::string&) override { return false; }
  std::string dummyHash(std::string_view) override { return dummy_; }
  void waitEntered(int n) {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return entered_ >= n; });
  }
  void release() {
    std::lock_guard lock(mutex_);
    released_ = true;
    changed_.notify_all();
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  int entered_ = 0;
  bool released_ = false;
  std::string dummy_ = "d";
};

TEST(BoundedPasswordHasherTest, RunsAtMostTheLimitQueuesSomeAndRefusesTheRest) {
  BlockingHasher inner;
  auth::infrastructure::BoundedPasswordHasher bounded(inner, {2, 1, std::chrono::seconds(30)});
  std::vector<std::thread> threads;
  for (int i = 0; i < 3; ++i) {
    threads.emplace_back([&] { EXPECT_TRUE(bounded.verify("h", "pw")); });
  }
  inner.waitEntered(2);
  while (bounded.waiting() < 1) std::this_thread::yield();
  EXPECT_EQ(bounded.running(), 2);
  // Two running, one waiting: the queue is full, so the next caller is refused at once.
  EXPECT_THROW(bounded.verify("h", "pw"), OverloadedError);
  EXPECT_EQ(bounded.rejected(), 1);
  inner.release();
  for (auto& t : threads) t.join();
  EXPECT_EQ(bounded.running(), 0);
  EXPECT_EQ(bounded.waiting(), 0);
}

TEST(BoundedPasswordHasherTest, AWaitLongerThanTheLimitIsRefused) {
  BlockingHasher inner;
  auth::infrastructure::BoundedPasswordHasher bounded(inner, {1, 5, std::chrono::milliseconds(50)});
  std::thread holder([&] { EXPECT_TRUE(bounded.verify("h", "pw")); });
  inner.waitEntered(1);
  EXPECT_THROW(bounded.hash("pw"), OverloadedError);
  inner.release();
  holder.join();
  EXPECT_EQ(bounded.hash("pw"), "h");
}

}  // namespace
}  // namespace authd
