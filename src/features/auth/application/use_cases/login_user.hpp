#pragma once

#include <optional>
#include <string>

#include "features/auth/application/ports/login_throttle.hpp"
#include "features/auth/application/ports/password_hasher.hpp"
#include "features/auth/application/use_cases/credentials.hpp"
#include "features/auth/application/use_cases/mfa.hpp"
#include "features/auth/application/use_cases/session_tokens.hpp"
#include "features/users/application/audit_trail.hpp"
#include "features/users/application/ports/user_repository.hpp"
#include "shared/core/clock.hpp"
#include "shared/core/result.hpp"
#include "shared/core/unit_of_work.hpp"

namespace authd::auth::application {

// Checks a password and opens a new session (evicting the least recently used one beyond
// the limit). Re-hashes the password when its stored parameters are weaker than the
// configured ones. Errors: RateLimited (with retry_after) once the account (or, when none
// matches, the identifier) has used up its attempts in the window, even with the right
// password, before any hashing; InvalidCredentials for a wrong password, an unknown and a
// deleted account alike, after the same Argon2id work, and when the password changed between
// the check and the write; Conflict after repeated version races. With MFA on, the right
// password opens no session: MfaRequired carrying an mfa_token for POST /v1/auth/login/mfa
// (and the lockout count is not reset: only the second factor ends it). Thread-safe if its
// ports are.
class LoginUser {
 public:
  struct Input {
    std::optional<std::string> email;  // one of email and username is required
    std::optional<std::string> username;
    std::string password;
    ClientInfo client;
  };

  LoginUser(UnitOfWork& uow, users::application::UserRepository& users, PasswordHasher& hasher,
            SessionTokens& tokens, users::application::AuditTrail& audit, Clock& clock,
            LoginThrottle& throttle, LoginLimits limits = {},
            MfaChallengeIssuer* mfa_challenges = nullptr)
      : uow_(uow),
        users_(users),
        hasher_(hasher),
        tokens_(tokens),
        audit_(audit),
        clock_(clock),
        throttle_(throttle),
        limits_(limits),
        mfa_challenges_(mfa_challenges) {}

  [[nodiscard]] Result<TokenGrant> execute(const Input& input);

 private:
  std::optional<users::domain::User> find(const Input& input);
  static std::string identifierOf(const Input& input);

  UnitOfWork& uow_;
  users::application::UserRepository& users_;
  PasswordHasher& hasher_;
  SessionTokens& tokens_;
  users::application::AuditTrail& audit_;
  Clock& clock_;
  LoginThrottle& throttle_;
  LoginLimits limits_;
  MfaChallengeIssuer* mfa_challenges_;  // null: an account with MFA on cannot log in
};

}  // namespace authd::auth::application
