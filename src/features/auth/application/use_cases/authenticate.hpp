#pragma once

#include <set>
#include <string>
#include <string_view>

#include "features/auth/application/ports/access_token_verifier.hpp"
#include "features/users/application/ports/user_statements.hpp"
#include "shared/core/clock.hpp"
#include "shared/core/result.hpp"

namespace authd::auth::application {

// The caller of a Bearer-protected route.
struct Principal {
  Uuid user_id;
  Uuid session_id;
  std::set<std::string> roles;  // the user's roles now
  users::domain::AuthMethods methods = users::domain::AuthMethods::Password;  // the session's
  AccessClaims claims;
};

// Checks a bearer access token: a valid signature and times (AccessTokenVerifier), a live
// user, and a session that still exists and has not expired, so a revoked or evicted
// session's tokens stop working at once. The session is read on every call, in one statement
// (UserStatements::findSession) that returns only what a route needs. Errors: Unauthorized.
// Thread-safe.
class Authenticate {
 public:
  Authenticate(users::application::UserStatements& users, AccessTokenVerifier& verifier,
               Clock& clock, users::domain::SessionPolicy policy)
      : users_(users), verifier_(verifier), clock_(clock), policy_(policy) {}

  [[nodiscard]] Result<Principal> execute(std::string_view access_token);

 private:
  users::application::UserStatements& users_;
  AccessTokenVerifier& verifier_;
  Clock& clock_;
  users::domain::SessionPolicy policy_;
};

}  // namespace authd::auth::application
