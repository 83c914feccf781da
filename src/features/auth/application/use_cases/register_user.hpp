#pragma once

#include <optional>
#include <string>

#include "features/auth/application/ports/password_hasher.hpp"
#include "features/auth/application/use_cases/session_tokens.hpp"
#include "features/users/application/audit_trail.hpp"
#include "features/users/application/ports/user_repository.hpp"
#include "features/users/domain/password_policy.hpp"
#include "shared/core/clock.hpp"
#include "shared/core/result.hpp"
#include "shared/core/unit_of_work.hpp"

namespace authd::auth::application {

// Creates an account with role `user` and opens its first session.
// Errors: ValidationFailed (every bad field listed), EmailTaken, UsernameTaken (both compared
// case-insensitively, soft-deleted accounts included), Conflict after repeated races.
// Thread-safe if its ports are.
class RegisterUser {
 public:
  struct Input {
    std::string email;
    std::string username;
    std::string password;
    std::optional<std::string> display_name;
    ClientInfo client;
  };

  RegisterUser(UnitOfWork& uow, users::application::UserRepository& users, PasswordHasher& hasher,
               SessionTokens& tokens, users::application::AuditTrail& audit, Clock& clock,
               RandomSource& random, const users::domain::PasswordPolicy& policy)
      : uow_(uow),
        users_(users),
        hasher_(hasher),
        tokens_(tokens),
        audit_(audit),
        clock_(clock),
        random_(random),
        policy_(policy) {}

  // Field errors for `input`, skipping fields named in `skip` (already reported by the caller).
  std::vector<FieldError> validate(const Input& input,
                                   const std::vector<std::string>& skip = {}) const;

  [[nodiscard]] Result<TokenGrant> execute(const Input& input);

 private:
  UnitOfWork& uow_;
  users::application::UserRepository& users_;
  PasswordHasher& hasher_;
  SessionTokens& tokens_;
  users::application::AuditTrail& audit_;
  Clock& clock_;
  RandomSource& random_;
  const users::domain::PasswordPolicy& policy_;
};

}  // namespace authd::auth::application
