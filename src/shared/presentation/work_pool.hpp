#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace authd::http {

// A fixed set of threads with a bounded queue, for request handlers that block on purpose
// (Argon2id): they run here so Pistache's I/O threads keep serving every other route.
// trySubmit() refuses instead of queueing past the bound, so the caller can answer 503.
// stop() (also the destructor) runs what is already queued, then joins; afterwards every
// trySubmit() is refused. Thread-safe; call stop() from one thread.
class WorkPool {
 public:
  WorkPool(int threads, int max_queued);
  ~WorkPool();
  WorkPool(const WorkPool&) = delete;
  WorkPool& operator=(const WorkPool&) = delete;

  // False when every thread is busy and `max_queued` tasks already wait for one, or stopped.
  bool trySubmit(std::function<void()> task);
  void stop();
  int queued() const;

 private:
  void run();

  const std::size_t max_queued_;
  mutable std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<std::function<void()>> tasks_;
  std::size_t busy_ = 0;  // threads running a task
  bool stopping_ = false;
  std::vector<std::thread> threads_;  // last: started once the members above exist
};

}  // namespace authd::http
