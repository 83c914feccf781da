#pragma once

#include <cstdint>
#include <string>

#include "shared/core/secret_bytes.hpp"

namespace authd::auth::application {

// Port: HOTP (RFC 4226) codes, the cryptography behind TOTP (RFC 6238). Thread-safe.
class OneTimeCodes {
 public:
  virtual ~OneTimeCodes() = default;
  // The `digits`-digit code of `secret` for counter `counter` (the TOTP time step).
  virtual std::string codeAt(const SecretBytes& secret, std::int64_t counter, int digits) const = 0;
};

}  // namespace authd::auth::application
