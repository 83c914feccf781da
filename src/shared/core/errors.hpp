#pragma once

#include <stdexcept>

namespace authd {

// Thrown by adapters when a dependency (the database) is unreachable or timed out after
// retries. The HTTP edge answers 503 `unavailable` with Retry-After.
class UnavailableError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace authd
