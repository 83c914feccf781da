#pragma once

#include <string>

#include "features/users/application/audit_trail.hpp"
#include "features/users/application/ports/user_repository.hpp"
#include "shared/core/clock.hpp"
#include "shared/core/result.hpp"
#include "shared/core/unit_of_work.hpp"

namespace authd::users::application {

// Grants a role to the live account with this email (the `authd grant-role` command),
// recorded as a role_granted event from client "authd-cli".
// Errors: ValidationFailed (malformed email or role name), NotFound (no such account, or no
// such role). Granting a role the user already has succeeds and changes nothing.
// Thread-safe if its ports are.
class GrantRole {
 public:
  struct Input {
    std::string email;
    std::string role;
  };
  struct Output {
    domain::User user;
    bool changed = false;
  };

  GrantRole(UnitOfWork& uow, UserRepository& users, AuditTrail& audit, Clock& clock)
      : uow_(uow), users_(users), audit_(audit), clock_(clock) {}

  [[nodiscard]] Result<Output> execute(const Input& input);

 private:
  UnitOfWork& uow_;
  UserRepository& users_;
  AuditTrail& audit_;
  Clock& clock_;
};

}  // namespace authd::users::application
