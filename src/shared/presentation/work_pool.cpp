#include "shared/presentation/work_pool.hpp"

#include <algorithm>

namespace authd::http {

WorkPool::WorkPool(int threads, int max_queued)
    : max_queued_(static_cast<std::size_t>(std::max(0, max_queued))) {
  for (int i = 0; i < std::max(1, threads); ++i) threads_.emplace_back([this] { run(); });
}

WorkPool::~WorkPool() { stop(); }

void WorkPool::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
  }
  ready_.notify_all();
  for (auto& t : threads_) t.join();
}

bool WorkPool::trySubmit(std::function<void()> task) {
  {
    std::lock_guard lock(mutex_);
    // Room when a thread is free for it or fewer than max_queued_ wait.
    if (stopping_ || tasks_.size() + busy_ >= threads_.size() + max_queued_) return false;
    tasks_.push_back(std::move(task));
  }
  ready_.notify_one();
  return true;
}

int WorkPool::queued() const {
  std::lock_guard lock(mutex_);
  return static_cast<int>(tasks_.size());
}

void WorkPool::run() {
  for (;;) {
    std::function<void()> task;
    {
      std::unique_lock lock(mutex_);
      ready_.wait(lock, [this] { return stopping_ || !tasks_.empty(); });
      if (tasks_.empty()) return;  // stopping, and nothing left to run
      task = std::move(tasks_.front());
      tasks_.pop_front();
      ++busy_;
    }
    task();  // tasks catch their own exceptions (RouteTable's guard does)
    std::lock_guard lock(mutex_);
    --busy_;
  }
}

}  // namespace authd::http
