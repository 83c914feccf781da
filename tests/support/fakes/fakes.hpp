// Plain fakes of the clock and randomness ports, for deterministic unit tests.
#pragma once

#include <atomic>
#include <deque>

#include "shared/core/clock.hpp"
#include "shared/core/random_source.hpp"

namespace authd::testing {

class FakeClock : public Clock {
 public:
  explicit FakeClock(Timestamp start = fromMicros(1'800'000'000'000'000)) : now_(start) {}
  Timestamp now() const override { return now_; }
  void advance(std::chrono::microseconds d) { now_ += d; }

 private:
  Timestamp now_;
};

// Deterministic bytes: a counter, so every call returns distinct, reproducible values.
class FakeRandomSource : public RandomSource {
 public:
  Bytes bytes(std::size_t count) override {
    Bytes out(count);
    for (auto& b : out) b = static_cast<std::uint8_t>(next_.fetch_add(1) * 131 + 7);
    return out;
  }

 private:
  std::atomic<std::uint64_t> next_{1};  // atomic: the route tier calls it from many threads
};

}  // namespace authd::testing
