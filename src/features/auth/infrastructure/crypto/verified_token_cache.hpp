#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string_view>
#include <unordered_map>

#include "features/auth/application/ports/access_token_verifier.hpp"
#include "shared/core/secret_bytes.hpp"

namespace authd::auth::infrastructure {

// A bounded memory of access tokens whose signature and claims were verified, so the bearer
// check of a token seen again skips Ed25519 and the claims' JSON (most of a verification).
// It remembers signatures, never sessions: every request still reads its session.
// - Keyed by a BLAKE2b digest of the token under a key drawn at startup: a lookup's timing says
//   nothing about tokens held, and no two tokens share a key but by breaking BLAKE2b.
// - Each entry names the key-set generation it was verified under; once the key set changes
//   (a reload, a rotation, a key retired), older entries never answer again.
// - The caller re-checks exp and nbf on every hit.
// - Only verified tokens enter, so forged ones cannot crowd it; at most `capacity` entries
//   (16 shards, each dropping an arbitrary entry when full). Thread-safe.
class VerifiedTokenCache {
 public:
  struct Entry {
    std::uint64_t key_generation = 0;
    application::AccessClaims claims;
  };

  // `key`: 32 secret bytes for the digest (makeSecret with randombytes_buf).
  VerifiedTokenCache(std::size_t capacity, Secret key);

  std::optional<Entry> find(std::string_view token) const;
  void remember(std::string_view token, Entry entry);
  std::size_t size() const;

 private:
  using Digest = std::array<unsigned char, 16>;
  struct DigestHash {
    std::size_t operator()(const Digest& d) const noexcept;
  };
  struct Shard {
    mutable std::mutex mutex;
    std::unordered_map<Digest, Entry, DigestHash> entries;
  };
  static constexpr std::size_t kShards = 16;

  Digest digest(std::string_view token) const;

  std::size_t per_shard_;
  Secret key_;
  std::array<Shard, kShards> shards_;
};

}  // namespace authd::auth::infrastructure
