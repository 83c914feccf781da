#pragma once

#include <string>

#include "features/users/domain/user.hpp"
#include "shared/core/time.hpp"
#include "shared/core/uuid.hpp"

namespace authd::auth::application {

struct IssuedAccessToken {
  std::string token;
  Seconds expires_in{0};
};

// Port: signs access tokens (EdDSA JWTs).
// Implementations must be thread-safe.
class AccessTokenIssuer {
 public:
  virtual ~AccessTokenIssuer() = default;
  // Claims: iss, sub, aud, iat, nbf, exp, jti, sid, roles, email, email_verified, username, and
  // amr from the user's session `session_id` (RFC 8176: ["pwd"], or ["pwd", "otp"]).
  virtual IssuedAccessToken issue(const users::domain::User& user, const Uuid& session_id,
                                  Timestamp now) = 0;
};

}  // namespace authd::auth::application
