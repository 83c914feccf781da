// What every route that takes a password shares: the lockout count and the check that the
// password verified is still the one stored when the change is written.
#pragma once

#include <optional>
#include <string>

#include "features/auth/application/ports/login_throttle.hpp"
#include "features/auth/application/ports/password_hasher.hpp"
#include "features/users/application/audit_trail.hpp"
#include "features/users/application/ports/user_repository.hpp"
#include "shared/core/clock.hpp"
#include "shared/core/result.hpp"
#include "shared/core/unit_of_work.hpp"

namespace authd::auth::application {

// Lockout (contract, "Abuse limits"): per account when the identifier names one (its email and
// its username share one count), per normalised identifier otherwise. max_fails 0 turns it off.
struct LoginLimits {
  int max_fails = 5;
  Seconds window{900};
};

// The lockout count's key: the account's id when there is one, else the identifier.
std::string lockoutKey(const std::optional<users::domain::User>& account,
                       const std::string& identifier);
std::string accountLockoutKey(const Uuid& user_id);

// Counts one attempt under `key` inside the caller's transaction. RateLimited (with
// retry_after) once the window's attempts are used up, whatever the password.
Status countAttempt(LoginThrottle& throttle, const LoginLimits& limits, const std::string& key,
                    Timestamp now);

// InvalidCredentials, the one answer for every wrong password.
Error invalidCredentials();

// Inside the write: the stored hash must still be `verified_hash` (the one the password was
// checked against outside the transaction), else the password changed meanwhile and the
// caller's password is no longer proof: InvalidCredentials. Compared in constant time.
Status stillVerified(const users::domain::User& user, const std::string& verified_hash);

// A password check for a signed-in caller (password change, account deletion): counts the
// attempt against the account's lockout, verifies outside any transaction (Argon2id is slow)
// and records a failure as a failed login. The stored hash it verified, or: Unauthorized (the
// account is gone), RateLimited, InvalidCredentials.
class CallerPassword {
 public:
  CallerPassword(UnitOfWork& uow, users::application::UserRepository& users, PasswordHasher& hasher,
                 LoginThrottle& throttle, LoginLimits limits, users::application::AuditTrail& audit,
                 Clock& clock)
      : uow_(uow),
        users_(users),
        hasher_(hasher),
        throttle_(throttle),
        limits_(limits),
        audit_(audit),
        clock_(clock) {}

  [[nodiscard]] Result<users::domain::User> check(const Uuid& user_id, const std::string& password,
                                                  const ClientInfo& client);
  // Inside the change's write: the right password ends the account's count, in the same
  // transaction as the change.
  void clearCount(const Uuid& user_id);

 private:
  UnitOfWork& uow_;
  users::application::UserRepository& users_;
  PasswordHasher& hasher_;
  LoginThrottle& throttle_;
  LoginLimits limits_;
  users::application::AuditTrail& audit_;
  Clock& clock_;
};

// DELETE /v1/admin/users/{id}/lockout: ends the account's lockout now (its count starts
// afresh), audited on the account. Idempotent. Errors: NotFound (malformed id, no such user).
class LiftLockout {
 public:
  LiftLockout(UnitOfWork& uow, users::application::UserRepository& users, LoginThrottle& throttle,
              users::application::AuditTrail& audit)
      : uow_(uow), users_(users), throttle_(throttle), audit_(audit) {}
  [[nodiscard]] Status execute(const std::string& user_id, const ClientInfo& client);

 private:
  UnitOfWork& uow_;
  users::application::UserRepository& users_;
  LoginThrottle& throttle_;
  users::application::AuditTrail& audit_;
};

}  // namespace authd::auth::application
