#include "features/auth/infrastructure/crypto/bounded_password_hasher.hpp"

#include <stdexcept>

#include "shared/core/errors.hpp"

namespace authd::auth::infrastructure {

// Holds one of the `concurrency` slots for its lifetime.
class BoundedPasswordHasher::Slot {
 public:
  explicit Slot(BoundedPasswordHasher& owner) : owner_(owner) {
    std::unique_lock lock(owner_.mutex_);
    if (owner_.running_ >= owner_.limits_.concurrency) {
      if (owner_.waiting_ >= owner_.limits_.queue) {
        ++owner_.rejected_;
        throw OverloadedError("password hashing queue is full");
      }
      ++owner_.waiting_;
      const bool got = owner_.freed_.wait_for(lock, owner_.limits_.max_wait, [this] {
        return owner_.running_ < owner_.limits_.concurrency;
      });
      --owner_.waiting_;
      if (!got) {
        ++owner_.rejected_;
        throw OverloadedError("waited too long for password hashing");
      }
    }
    ++owner_.running_;
  }
  ~Slot() {
    {
      std::lock_guard lock(owner_.mutex_);
      --owner_.running_;
    }
    owner_.freed_.notify_one();
  }
  Slot(const Slot&) = delete;
  Slot& operator=(const Slot&) = delete;

 private:
  BoundedPasswordHasher& owner_;
};

BoundedPasswordHasher::BoundedPasswordHasher(application::PasswordHasher& inner, Limits limits)
    : inner_(inner), limits_(limits) {
  if (limits_.concurrency < 1 || limits_.queue < 0) {
    throw std::invalid_argument("hash concurrency must be at least 1 and the queue not negative");
  }
}

std::string BoundedPasswordHasher::hash(std::string_view password) {
  Slot slot(*this);
  return inner_.hash(password);
}

bool BoundedPasswordHasher::verify(const std::string& encoded, std::string_view password) {
  Slot slot(*this);
  return inner_.verify(encoded, password);
}

std::string BoundedPasswordHasher::dummyHash(std::string_view identifier) {
  // Not bounded: serve computes the dummies at start-up; later calls only pick one.
  return inner_.dummyHash(identifier);
}

int BoundedPasswordHasher::running() const {
  std::lock_guard lock(mutex_);
  return running_;
}

int BoundedPasswordHasher::waiting() const {
  std::lock_guard lock(mutex_);
  return waiting_;
}

long long BoundedPasswordHasher::rejected() const {
  std::lock_guard lock(mutex_);
  return rejected_;
}

}  // namespace authd::auth::infrastructure
