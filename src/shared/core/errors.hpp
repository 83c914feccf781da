#pragma once

#include <stdexcept>

namespace authd {

// Thrown by adapters when a dependency (the database) is unreachable or timed out after
// retries. The HTTP edge answers 503 `unavailable` with Retry-After.
class UnavailableError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Thrown when a bounded resource (the Argon2id queue) is full: the HTTP edge answers 503
// `unavailable` with a short Retry-After instead of queueing without limit.
class OverloadedError : public UnavailableError {
 public:
  using UnavailableError::UnavailableError;
};

}  // namespace authd
