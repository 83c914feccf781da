#pragma once

#include "shared/core/time.hpp"

namespace authd {

// Port: the current time. Injected everywhere so domain and use cases are testable with a
// fake clock. Implementations must be thread-safe.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual Timestamp now() const = 0;
};

}  // namespace authd
