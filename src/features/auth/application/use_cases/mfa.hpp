// The second factor (contract, "Multi-factor authentication"): TOTP enrolment, confirmation,
// disabling, recovery-code regeneration, the second step of a login and the admin's reset.
//
// Every change to one user's MFA runs in one transaction that first takes the user's row lock,
// so two requests for one user (one code sent twice at once) are decided one after the other:
// the second sees the step the first accepted and is refused. A wrong code counts as a failed
// login of the account (its lockout), and a right one ends the count.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "features/auth/application/ports/login_throttle.hpp"
#include "features/auth/application/ports/mail.hpp"
#include "features/auth/application/ports/mfa.hpp"
#include "features/auth/application/ports/one_time_codes.hpp"
#include "features/auth/application/ports/password_hasher.hpp"
#include "features/auth/application/ports/refresh_token_hasher.hpp"
#include "features/auth/application/use_cases/credentials.hpp"
#include "features/auth/application/use_cases/session_tokens.hpp"
#include "features/keys/application/ports/sealer.hpp"
#include "features/users/application/audit_trail.hpp"
#include "features/users/application/ports/user_repository.hpp"
#include "shared/core/clock.hpp"
#include "shared/core/result.hpp"
#include "shared/core/unit_of_work.hpp"

namespace authd::auth::application {

// What the MFA use cases share. All must outlive them.
struct MfaDeps {
  UnitOfWork& uow;
  users::application::UserRepository& users;
  MfaRepository& mfa;
  MfaChallengeStore& challenges;
  const keys::application::Sealer& sealer;  // the TOTP secrets, under the master key
  OneTimeCodes& codes;
  RecoveryCodeHasher& recovery;
  RefreshTokenHasher& token_hasher;  // keyed digests of mfa_tokens and password fingerprints
  users::application::AuditTrail& audit;
  Clock& clock;
  RandomSource& random;
  LoginThrottle& throttle;
  LoginLimits limits;
  MailOutbox& outbox;
  const MailTemplates& templates;
  std::string totp_issuer;  // AUTH_TOTP_ISSUER: the name authenticator apps show
};

// The login's second step, started by LoginUser when the password is right and MFA is on:
// stores a challenge and returns its mfa_token. Inside the caller's transaction.
class MfaChallengeIssuer {
 public:
  explicit MfaChallengeIssuer(MfaDeps& deps) : d_(deps) {}
  std::string issue(const users::domain::User& user, Timestamp now);

 private:
  MfaDeps& d_;
};

// POST /v1/users/me/mfa/totp: after the password (counted like a login), a new pending TOTP
// secret replaces any pending one. Errors: InvalidCredentials, RateLimited, Unauthorized (the
// account is gone), MfaAlreadyEnabled.
class StartTotpEnrolment {
 public:
  struct Output {
    std::string secret;       // base32, for typing into an app
    std::string otpauth_uri;  // for a QR code
  };
  StartTotpEnrolment(MfaDeps& deps, PasswordHasher& hasher)
      : d_(deps),
        password_(deps.uow, deps.users, hasher, deps.throttle, deps.limits, deps.audit,
                  deps.clock) {}
  [[nodiscard]] Result<Output> execute(const Uuid& user_id, const std::string& password,
                                       const ClientInfo& client);

 private:
  MfaDeps& d_;
  CallerPassword password_;
};

// POST /v1/users/me/mfa/totp/confirm: a right code turns MFA on, returns ten recovery codes
// (shown once), revokes every other session and mails the account. Errors: MfaCodeInvalid,
// MfaEnrolmentMissing, MfaAlreadyEnabled, RateLimited, Unauthorized.
class ConfirmTotpEnrolment {
 public:
  explicit ConfirmTotpEnrolment(MfaDeps& deps) : d_(deps) {}
  [[nodiscard]] Result<std::vector<std::string>> execute(const Uuid& user_id,
                                                         const Uuid& session_id,
                                                         const std::string& code,
                                                         const ClientInfo& client);

 private:
  MfaDeps& d_;
};

// DELETE /v1/users/me/mfa/totp: the password and a code (TOTP or recovery) turn MFA off and
// mail the account. Errors: InvalidCredentials, MfaCodeInvalid, MfaNotEnabled, RateLimited,
// Unauthorized.
class DisableTotp {
 public:
  DisableTotp(MfaDeps& deps, PasswordHasher& hasher)
      : d_(deps),
        password_(deps.uow, deps.users, hasher, deps.throttle, deps.limits, deps.audit,
                  deps.clock) {}
  [[nodiscard]] Status execute(const Uuid& user_id, const std::string& password,
                               const std::string& code, const ClientInfo& client);

 private:
  MfaDeps& d_;
  CallerPassword password_;
};

// POST /v1/users/me/mfa/recovery-codes: a code (TOTP or recovery) replaces every recovery code
// with ten new ones. Errors: MfaCodeInvalid, MfaNotEnabled, RateLimited, Unauthorized.
class RegenerateRecoveryCodes {
 public:
  explicit RegenerateRecoveryCodes(MfaDeps& deps) : d_(deps) {}
  [[nodiscard]] Result<std::vector<std::string>> execute(const Uuid& user_id,
                                                         const std::string& code,
                                                         const ClientInfo& client);

 private:
  MfaDeps& d_;
};

// POST /v1/auth/login/mfa: the mfa_token from the login and a code (TOTP or recovery) open a
// session with amr ["pwd", "otp"]. A wrong code uses up one of the token's five tries.
// Errors: MfaTokenInvalid (unknown, used, expired, exhausted, or the password changed since),
// MfaCodeInvalid, RateLimited.
class CompleteMfaLogin {
 public:
  CompleteMfaLogin(MfaDeps& deps, SessionTokens& tokens) : d_(deps), tokens_(tokens) {}
  [[nodiscard]] Result<TokenGrant> execute(const std::string& mfa_token, const std::string& code,
                                           const ClientInfo& client);

 private:
  MfaDeps& d_;
  SessionTokens& tokens_;
};

// DELETE /v1/admin/users/{id}/mfa: MFA off for a user who lost the device, audited on the
// user and mailed to them. Idempotent. Errors: NotFound (malformed id, no such user).
class ResetMfa {
 public:
  explicit ResetMfa(MfaDeps& deps) : d_(deps) {}
  [[nodiscard]] Status execute(const std::string& user_id, const ClientInfo& client);

 private:
  MfaDeps& d_;
};

}  // namespace authd::auth::application
