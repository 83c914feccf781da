#pragma once

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

}  // namespace authd::auth::infrastructure
