#pragma once

#include <optional>
#include <string>
#include <vector>

#include "features/users/application/audit_trail.hpp"
#include "features/users/application/ports/user_repository.hpp"
#include "shared/core/result.hpp"
#include "shared/core/unit_of_work.hpp"

namespace authd::users::application {

// GET /v1/admin/users: a page of live users, newest first.
// Errors: ValidationFailed (limit outside 1..100, malformed cursor). Thread-safe.
class ListUsers {
 public:
  struct Input {
    std::optional<std::string> limit;  // raw query values, validated here
    std::optional<std::string> cursor;
    std::optional<std::string> q;
  };
  struct Output {
    std::vector<domain::User> users;
    std::optional<std::string> next_cursor;  // none on the last page
  };

  ListUsers(UnitOfWork& uow, UserRepository& users) : uow_(uow), users_(users) {}
  [[nodiscard]] Result<Output> execute(const Input& input);

 private:
  UnitOfWork& uow_;
  UserRepository& users_;
};

// GET /v1/admin/users/{id}. Errors: NotFound (malformed id, unknown or deleted user).
class GetUser {
 public:
  GetUser(UnitOfWork& uow, UserRepository& users) : uow_(uow), users_(users) {}
  [[nodiscard]] Result<domain::User> execute(const std::string& id);

 private:
  UnitOfWork& uow_;
  UserRepository& users_;
};

// PUT/DELETE /v1/admin/users/{id}/roles/{role}: idempotent grant or revoke, audited.
// Errors: NotFound (unknown user or role, malformed id or role name), Conflict.
class ChangeRole {
 public:
  struct Input {
    std::string user_id;
    std::string role;
    bool grant = true;
    ClientInfo client;
  };
  ChangeRole(UnitOfWork& uow, UserRepository& users, AuditTrail& audit, Clock& clock)
      : uow_(uow), users_(users), audit_(audit), clock_(clock) {}
  [[nodiscard]] Status execute(const Input& input);

 private:
  UnitOfWork& uow_;
  UserRepository& users_;
  AuditTrail& audit_;
  Clock& clock_;
};

}  // namespace authd::users::application
