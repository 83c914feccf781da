#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "shared/core/random_source.hpp"
#include "shared/core/secret_bytes.hpp"

namespace authd::keys::application {

// Port: authenticated encryption of small secrets at rest under the master key, for features
// that store something the database must not read (the mail outbox's single-use links, the
// users' TOTP secrets).
// Implementations must be thread-safe.
class Sealer {
 public:
  virtual ~Sealer() = default;
  // Text safe to store in a column (base64url), different on every call.
  virtual std::string seal(const Bytes& plain) const = 0;
  // nullopt when `sealed` was not sealed by this key or was altered.
  virtual std::optional<Bytes> open(std::string_view sealed) const = 0;
  // The same for key material, sealed straight from and opened straight into guarded memory;
  // openSecret answers null where open answers nullopt.
  virtual std::string sealSecret(const SecretBytes& plain) const = 0;
  virtual Secret openSecret(std::string_view sealed) const = 0;
};

}  // namespace authd::keys::application
