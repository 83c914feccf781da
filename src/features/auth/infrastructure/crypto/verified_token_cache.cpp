#include "features/auth/infrastructure/crypto/verified_token_cache.hpp"

#include <sodium.h>

#include <cstring>
#include <stdexcept>

namespace authd::auth::infrastructure {

VerifiedTokenCache::VerifiedTokenCache(std::size_t capacity, Secret key)
    : per_shard_((capacity + kShards - 1) / kShards), key_(std::move(key)) {
  if (!key_ || key_->size() < crypto_generichash_KEYBYTES_MIN) {
    throw std::invalid_argument("the token cache needs a key of at least 16 bytes");
  }
}

std::size_t VerifiedTokenCache::DigestHash::operator()(const Digest& d) const noexcept {
  std::size_t h;  // the digest is uniformly random already
  std::memcpy(&h, d.data(), sizeof h);
  return h;
}

VerifiedTokenCache::Digest VerifiedTokenCache::digest(std::string_view token) const {
  Digest d;
  crypto_generichash(d.data(), d.size(), reinterpret_cast<const unsigned char*>(token.data()),
                     token.size(), key_->data(), key_->size());
  return d;
}

std::optional<VerifiedTokenCache::Entry> VerifiedTokenCache::find(std::string_view token) const {
  if (per_shard_ == 0) return std::nullopt;
  const Digest d = digest(token);
  const Shard& shard = shards_[d[8] % kShards];
  std::lock_guard<std::mutex> lock(shard.mutex);
  const auto it = shard.entries.find(d);
  if (it == shard.entries.end()) return std::nullopt;
  return it->second;
}

void VerifiedTokenCache::remember(std::string_view token, Entry entry) {
  if (per_shard_ == 0) return;
  const Digest d = digest(token);
  Shard& shard = shards_[d[8] % kShards];
  std::lock_guard<std::mutex> lock(shard.mutex);
  if (shard.entries.size() >= per_shard_ && shard.entries.count(d) == 0) {
    shard.entries.erase(shard.entries.begin());
  }
  shard.entries.insert_or_assign(d, std::move(entry));
}

std::size_t VerifiedTokenCache::size() const {
  std::size_t n = 0;
  for (const auto& shard : shards_) {
    std::lock_guard<std::mutex> lock(shard.mutex);
    n += shard.entries.size();
  }
  return n;
}

}  // namespace authd::auth::infrastructure
