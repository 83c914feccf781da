#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace authd {

// Per-key token buckets in memory (contract, "Abuse limits": register, login and refresh per
// client address). Each key may burst `per_minute` requests, refilled evenly over a minute.
// Memory is bounded: past `max_keys` keys in a shard, keys whose bucket has refilled are
// forgotten (a forgotten key starts full again, which is what it would have had anyway), and
// if none has, the shard is cleared rather than grown. Thread-safe (sharded locks).
// Written here because Debian packages no C++ rate limiter; a token bucket is a few lines.
class TokenBucketLimiter {
 public:
  using Clock = std::chrono::steady_clock;

  struct Decision {
    bool allowed = true;
    std::int64_t retry_after_s = 0;  // whole seconds until one token is back, when refused
  };

  explicit TokenBucketLimiter(int per_minute, std::size_t max_keys = 100000);

  // Takes one token for `key` at `now`. per_minute 0 allows everything.
  Decision take(const std::string& key, Clock::time_point now);
  std::size_t keyCount() const;

 private:
  struct Bucket {
    double tokens;
    Clock::time_point updated;
  };
  struct Shard {
    mutable std::mutex mutex;
    std::unordered_map<std::string, Bucket> buckets;
  };
  static constexpr std::size_t kShards = 16;

  double refill(const Bucket& b, Clock::time_point now) const;

  double capacity_;
  double per_second_;
  std::size_t max_keys_per_shard_;
  std::vector<Shard> shards_;
};

}  // namespace authd
