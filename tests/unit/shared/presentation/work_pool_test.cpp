// WorkPool: the hashing routes' threads and their bounded queue.

#include "shared/presentation/work_pool.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

namespace authd {
namespace {

TEST(WorkPoolTest, RunsOnItsThreadsQueuesUpToTheBoundAndRefusesTheRest) {
  std::mutex m;
  std::condition_variable cv;
  bool release = false;
  int started = 0;
  std::atomic<int> ran{0};
  const auto blocking = [&] {
    std::unique_lock lock(m);
    ++started;
    cv.notify_all();
    cv.wait(lock, [&] { return release; });
    ++ran;
  };
  http::WorkPool pool(2, 1);
  EXPECT_TRUE(pool.trySubmit(blocking));
  EXPECT_TRUE(pool.trySubmit(blocking));
  {
    std::unique_lock lock(m);
    cv.wait(lock, [&] { return started == 2; });  // both threads busy
  }
  EXPECT_TRUE(pool.trySubmit([&] { ++ran; }));  // one may wait
  EXPECT_EQ(pool.queued(), 1);
  EXPECT_FALSE(pool.trySubmit([&] { ++ran; }));  // the bound: refused, never run
  {
    std::lock_guard lock(m);
    release = true;
  }
  cv.notify_all();
  pool.stop();  // runs what was queued, then joins
  EXPECT_EQ(ran.load(), 3);
  EXPECT_FALSE(pool.trySubmit([&] { ++ran; }));  // stopped
}

}  // namespace
}  // namespace authd
