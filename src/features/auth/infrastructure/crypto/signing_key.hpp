#pragma once

#include <optional>
#include <string>

#include "shared/core/random_source.hpp"
#include "shared/core/time.hpp"

namespace authd::auth::infrastructure {

// An Ed25519 key pair, unsealed, as the issuer holds it in memory.
struct SigningKey {
  std::string kid;
  Bytes public_key;  // 32 bytes
  Bytes secret_key;  // 64 bytes (libsodium's seed || public form); empty for retired keys
  bool active = false;
  Timestamp created_at;
  std::optional<Timestamp> retired_at;
};

}  // namespace authd::auth::infrastructure
