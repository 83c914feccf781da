#pragma once

#include <string_view>

#include "features/auth/application/ports/access_token_verifier.hpp"
#include "features/users/application/ports/user_repository.hpp"
#include "shared/core/clock.hpp"
#include "shared/core/result.hpp"
#include "shared/core/unit_of_work.hpp"

namespace authd::auth::application {

// The caller of a Bearer-protected route.
struct Principal {
  users::domain::User user;
  Uuid session_id;
  AccessClaims claims;
};

// Checks a bearer access token: a valid signature and times (AccessTokenVerifier), a live
// user, and a session that still exists and has not expired, so a revoked or evicted
// session's tokens stop working at once. Errors: Unauthorized. Thread-safe.
class Authenticate {
 public:
  Authenticate(UnitOfWork& uow, users::application::UserRepository& users,
               AccessTokenVerifier& verifier, Clock& clock, users::domain::SessionPolicy policy)
      : uow_(uow), users_(users), verifier_(verifier), clock_(clock), policy_(policy) {}

  [[nodiscard]] Result<Principal> execute(std::string_view access_token);

 private:
  UnitOfWork& uow_;
  users::application::UserRepository& users_;
  AccessTokenVerifier& verifier_;
  Clock& clock_;
  users::domain::SessionPolicy policy_;
};

}  // namespace authd::auth::application
