#pragma once

#include <optional>
#include <string>

#include "features/users/application/audit_trail.hpp"
#include "features/users/application/ports/user_repository.hpp"
#include "features/users/application/ports/user_statements.hpp"
#include "shared/core/result.hpp"
#include "shared/core/unit_of_work.hpp"

namespace authd::users::application {

// GET /v1/users/me: the caller's own profile, in one statement (no sessions, no credential).
// Errors: Unauthorized (the account is gone since the token was checked). Thread-safe if its
// port is.
class GetProfile {
 public:
  explicit GetProfile(UserStatements& users) : users_(users) {}
  [[nodiscard]] Result<domain::Profile> execute(const Uuid& user_id);

 private:
  UserStatements& users_;
};

// PATCH /v1/users/me: changes the display name and/or username of a live user.
// Errors: ValidationFailed, UsernameTaken (case-insensitive, deleted accounts included),
// NotFound (user gone), Conflict. Thread-safe if its ports are.
class UpdateProfile {
 public:
  struct Input {
    Uuid user_id;
    bool display_name_given = false;          // absent: unchanged
    std::optional<std::string> display_name;  // given and nullopt: cleared
    std::optional<std::string> username;      // absent: unchanged
    ClientInfo client;
  };

  UpdateProfile(UnitOfWork& uow, UserRepository& users, AuditTrail& audit, Clock& clock)
      : uow_(uow), users_(users), audit_(audit), clock_(clock) {}

  [[nodiscard]] Result<domain::User> execute(const Input& input);

 private:
  UnitOfWork& uow_;
  UserRepository& users_;
  AuditTrail& audit_;
  Clock& clock_;
};

}  // namespace authd::users::application
