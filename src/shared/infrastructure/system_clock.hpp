#pragma once

#include "shared/core/clock.hpp"

namespace authd {

// Wall-clock time in UTC, truncated to microseconds (PostgreSQL's precision).
class SystemClock final : public Clock {
 public:
  Timestamp now() const override {
    return std::chrono::time_point_cast<std::chrono::microseconds>(
        std::chrono::system_clock::now());
  }
};

}  // namespace authd
