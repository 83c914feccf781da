#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>

#include "features/auth/application/ports/password_hasher.hpp"

namespace authd::auth::infrastructure {

// A PasswordHasher decorator that runs at most `concurrency` Argon2id computations at once
// (each holds AUTH_ARGON2_MEMLIMIT bytes while it runs, so this bounds the memory hashing can
// take) with at most `queue` callers waiting. A caller that finds the queue full, or waits
// longer than `max_wait`, gets OverloadedError (HTTP 503 with Retry-After). Thread-safe.
class BoundedPasswordHasher final : public application::PasswordHasher {
 public:
  struct Limits {
    int concurrency = 2;
    int queue = 64;
    std::chrono::milliseconds max_wait{5000};
  };

  BoundedPasswordHasher(application::PasswordHasher& inner, Limits limits);

  std::string hash(std::string_view password) override;
  bool verify(const std::string& encoded, std::string_view password) override;
  bool needsRehash(const std::string& encoded) override { return inner_.needsRehash(encoded); }
  std::string dummyHash(std::string_view identifier) override;

  int running() const;
  int waiting() const;
  long long rejected() const;

 private:
  class Slot;
  application::PasswordHasher& inner_;
  Limits limits_;
  mutable std::mutex mutex_;
  std::condition_variable freed_;
  int running_ = 0;
  int waiting_ = 0;
  long long rejected_ = 0;
};

}  // namespace authd::auth::infrastructure
