#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "shared/core/result.hpp"
#include "shared/core/time.hpp"
#include "shared/core/uuid.hpp"

namespace authd::auth::application {

struct AccessClaims {
  Uuid subject;                 // sub: the user id
  Uuid session;                 // sid
  std::int64_t issued_at = 0;   // iat, Unix seconds
  std::int64_t expires_at = 0;  // exp, Unix seconds
  std::int64_t not_before = 0;  // nbf, Unix seconds
  std::string issuer;
  std::string audience;
  std::vector<std::string> roles;
  std::vector<std::string> amr;  // RFC 8176: ["pwd"] or ["pwd", "otp"]
};

// Port: checks authd's own access tokens (signature with a known key, alg EdDSA, iss, aud,
// exp/nbf with a small leeway). It does not know about sessions: callers check that the sid
// is still live. Thread-safe.
class AccessTokenVerifier {
 public:
  virtual ~AccessTokenVerifier() = default;
  // Unauthorized for anything that is not a currently valid token of ours.
  virtual Result<AccessClaims> verify(std::string_view token, Timestamp now) const = 0;
};

}  // namespace authd::auth::application
