#pragma once

#include "features/auth/application/ports/mfa.hpp"
#include "features/auth/application/ports/refresh_token_hasher.hpp"
#include "shared/core/secret_bytes.hpp"

namespace authd::auth::infrastructure {

// Keyed BLAKE2b (crypto_generichash) with two independent 32-byte keys: one for the stored
// digest, one for deriving successors, so a digest never reveals a successor. Thread-safe.
class SodiumRefreshTokenHasher final : public application::RefreshTokenHasher {
 public:
  SodiumRefreshTokenHasher(Secret digest_key, Secret successor_key);
  Bytes digest(const Bytes& secret) const override;
  Bytes successor(const Bytes& secret) const override;

 private:
  Secret digest_key_;  // guarded memory (SecretBytes), shared, never copied
  Secret successor_key_;
};

// Keyed BLAKE2b of recovery codes under their own 32-byte key (a server secret that
// `rotate-secrets` leaves alone: rotating it would void every user's recovery codes). Not
// Argon2id: a code carries 50 random bits, so a fast keyed hash is enough, and a stolen
// database without the key gives nothing to guess against. Thread-safe.
class SodiumRecoveryCodeHasher final : public application::RecoveryCodeHasher {
 public:
  explicit SodiumRecoveryCodeHasher(Secret key);
  Bytes digest(std::string_view canonical_code) const override;

 private:
  Secret key_;
};

}  // namespace authd::auth::infrastructure
