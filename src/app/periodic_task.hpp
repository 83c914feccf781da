#pragma once

#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

#include "shared/core/time.hpp"

namespace authd::app {

// Runs `task` every `interval` on its own thread until destroyed. `task` must not throw.
class PeriodicTask {
 public:
  PeriodicTask(Seconds interval, std::function<void()> task)
      : thread_([this, interval, task = std::move(task)] {
          std::unique_lock lock(mutex_);
          while (!stop_cv_.wait_for(lock, interval, [this] { return stopping_; })) {
            lock.unlock();
            task();
            lock.lock();
          }
        }) {}
  ~PeriodicTask() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    stop_cv_.notify_all();
    thread_.join();
  }
  PeriodicTask(const PeriodicTask&) = delete;
  PeriodicTask& operator=(const PeriodicTask&) = delete;

 private:
  std::mutex mutex_;
  std::condition_variable stop_cv_;
  bool stopping_ = false;
  std::thread thread_;  // last: starts after the members it uses
};

}  // namespace authd::app
