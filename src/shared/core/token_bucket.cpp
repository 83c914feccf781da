#include "shared/core/token_bucket.hpp"

#include <algorithm>
#include <cmath>
#include <functional>

namespace authd {

TokenBucketLimiter::TokenBucketLimiter(int per_minute, std::size_t max_keys)
    : capacity_(std::max(per_minute, 0)),
      per_second_(std::max(per_minute, 0) / 60.0),
      max_keys_per_shard_(std::max<std::size_t>(1, max_keys / kShards)),
      shards_(kShards) {}

double TokenBucketLimiter::refill(const Bucket& b, Clock::time_point now) const {
  const double elapsed = std::chrono::duration<double>(now - b.updated).count();
  return std::min(capacity_, b.tokens + std::max(0.0, elapsed) * per_second_);
}

TokenBucketLimiter::Decision TokenBucketLimiter::take(const std::string& key,
                                                      Clock::time_point now) {
  if (capacity_ <= 0) return {};
  Shard& shard = shards_[std::hash<std::string>{}(key) % kShards];
  std::lock_guard lock(shard.mutex);
  auto it = shard.buckets.find(key);
  if (it == shard.buckets.end()) {
    if (shard.buckets.size() >= max_keys_per_shard_) {
      for (auto i = shard.buckets.begin(); i != shard.buckets.end();) {
        i = refill(i->second, now) >= capacity_ ? shard.buckets.erase(i) : std::next(i);
      }
      if (shard.buckets.size() >= max_keys_per_shard_) shard.buckets.clear();
    }
    it = shard.buckets.emplace(key, Bucket{capacity_, now}).first;
  }
  Bucket& b = it->second;
  b.tokens = refill(b, now);
  b.updated = now;
  if (b.tokens >= 1.0) {
    b.tokens -= 1.0;
    return {};
  }
  const auto wait = static_cast<std::int64_t>(std::ceil((1.0 - b.tokens) / per_second_));
  return {false, std::max<std::int64_t>(1, wait)};
}

std::size_t TokenBucketLimiter::keyCount() const {
  std::size_t n = 0;
  for (const auto& s : shards_) {
    std::lock_guard lock(s.mutex);
    n += s.buckets.size();
  }
  return n;
}

}  // namespace authd
