#pragma once

#include <optional>
#include <string>
#include <vector>

#include "shared/core/random_source.hpp"
#include "shared/core/secret_bytes.hpp"
#include "shared/core/time.hpp"

namespace authd::keys::domain {

// An Ed25519 key pair, unsealed, as the token issuer holds it in memory.
struct SigningKey {
  std::string kid;
  Bytes public_key;  // 32 bytes
  // 64 bytes (libsodium's seed || public form) in guarded memory, shared, never copied; null
  // for keys that only verify.
  Secret secret_key;
  bool active = false;
  Timestamp created_at;
  std::optional<Timestamp> retired_at;
};

// One public signing key as the JWKS publishes it.
struct PublicSigningKey {
  std::string kid;
  std::string x;  // base64url raw Ed25519 public key
  bool active = false;
  Timestamp created_at;
};

// The public half of `key`: never the secret.
PublicSigningKey publicPartOf(const SigningKey& key);

// The order the JWKS lists keys in: the active key first (a relying service that tries keys
// in order finds the likely one at once), then retired keys newest first.
std::vector<PublicSigningKey> publicationOrder(std::vector<PublicSigningKey> keys);

}  // namespace authd::keys::domain
