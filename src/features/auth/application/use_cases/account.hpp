// Credential-bearing account changes and the caller's security events.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "features/auth/application/ports/account_tokens.hpp"
#include "features/auth/application/ports/mail.hpp"
#include "features/auth/application/ports/password_hasher.hpp"
#include "features/auth/application/use_cases/credentials.hpp"
#include "features/users/application/audit_trail.hpp"
#include "features/users/application/ports/user_repository.hpp"
#include "features/users/domain/password_policy.hpp"
#include "shared/core/clock.hpp"
#include "shared/core/result.hpp"
#include "shared/core/unit_of_work.hpp"

namespace authd::auth::application {

// POST /v1/users/me/password: checks the current password, sets the new one and revokes
// every other session (the caller's stays). A wrong current password is InvalidCredentials,
// recorded as a failed login and counted against the account's lockout (RateLimited once it is
// used up). The password must still be the stored one, and the caller's session still live,
// when the change is written (else InvalidCredentials, Unauthorized). The account's address is
// told by mail, and every outstanding reset link ends, in the same transaction. Errors also:
// ValidationFailed, Unauthorized (gone).
class ChangePassword {
 public:
  struct Input {
    Uuid user_id;
    Uuid session_id;
    std::string current_password;
    std::string new_password;
    ClientInfo client;
  };
  ChangePassword(UnitOfWork& uow, users::application::UserRepository& users, PasswordHasher& hasher,
                 users::application::AuditTrail& audit, Clock& clock,
                 const users::domain::PasswordPolicy& policy, LoginThrottle& throttle,
                 MailOutbox& outbox, const MailTemplates& templates,
                 AccountTokenRepository& account_tokens, LoginLimits limits = {})
      : uow_(uow),
        users_(users),
        hasher_(hasher),
        audit_(audit),
        clock_(clock),
        policy_(policy),
        password_(uow, users, hasher, throttle, limits, audit, clock),
        outbox_(outbox),
        templates_(templates),
        account_tokens_(account_tokens) {}
  [[nodiscard]] Status execute(const Input& input);

 private:
  UnitOfWork& uow_;
  users::application::UserRepository& users_;
  PasswordHasher& hasher_;
  users::application::AuditTrail& audit_;
  Clock& clock_;
  const users::domain::PasswordPolicy& policy_;
  CallerPassword password_;
  MailOutbox& outbox_;
  const MailTemplates& templates_;
  AccountTokenRepository& account_tokens_;
};

// DELETE /v1/users/me: soft-deletes the account after checking its password (counted like a
// login, as ChangePassword's). Every session is revoked; the email and username stay reserved.
// Errors: InvalidCredentials, RateLimited, Unauthorized.
class DeleteAccount {
 public:
  DeleteAccount(UnitOfWork& uow, users::application::UserRepository& users, PasswordHasher& hasher,
                users::application::AuditTrail& audit, Clock& clock, LoginThrottle& throttle,
                LoginLimits limits = {})
      : uow_(uow),
        users_(users),
        audit_(audit),
        clock_(clock),
        password_(uow, users, hasher, throttle, limits, audit, clock) {}
  [[nodiscard]] Status execute(const Uuid& user_id, const Uuid& session_id,
                               const std::string& password, const ClientInfo& client);

 private:
  UnitOfWork& uow_;
  users::application::UserRepository& users_;
  users::application::AuditTrail& audit_;
  Clock& clock_;
  CallerPassword password_;
};

// GET /v1/auth/events: the caller's own events, newest first.
// Errors: ValidationFailed (limit outside 1..100, malformed cursor).
class ListEvents {
 public:
  struct Output {
    std::vector<users::application::AuditEvent> events;
    std::optional<std::string> next_cursor;
  };
  ListEvents(UnitOfWork& uow, users::application::AuditLog& log) : uow_(uow), log_(log) {}
  [[nodiscard]] Result<Output> execute(const Uuid& user_id, const std::optional<std::string>& limit,
                                       const std::optional<std::string>& cursor);

 private:
  UnitOfWork& uow_;
  users::application::AuditLog& log_;
};

}  // namespace authd::auth::application
