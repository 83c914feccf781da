// Email verification, password reset and email change (contract: the /verify-email,
// /password-reset and email change routes). Thread-safe if their ports are.
#pragma once

#include <string>

#include "features/auth/application/ports/account_tokens.hpp"
#include "features/auth/application/ports/login_throttle.hpp"
#include "features/auth/application/ports/mail.hpp"
#include "features/auth/application/ports/password_hasher.hpp"
#include "features/auth/application/ports/refresh_token_hasher.hpp"
#include "features/auth/application/use_cases/credentials.hpp"
#include "features/users/application/audit_trail.hpp"
#include "features/users/application/ports/user_repository.hpp"
#include "features/users/domain/password_policy.hpp"
#include "shared/core/clock.hpp"
#include "shared/core/random_source.hpp"
#include "shared/core/result.hpp"
#include "shared/core/unit_of_work.hpp"

namespace authd::auth::application {

struct LifecycleDeps {
  UnitOfWork& uow;
  users::application::UserRepository& users;
  AccountTokenRepository& tokens;
  MailOutbox& outbox;
  MailTemplates& templates;
  RefreshTokenHasher& digester;  // keyed digest of 256-bit secrets
  users::application::AuditTrail& audit;
  Clock& clock;
  RandomSource& random;
  domain::MailLimits mail_limits;  // per recipient, every kind of mail together
};

// POST /v1/auth/verify-email/request: mails the caller a new verification link when the mail
// limits admit one; otherwise sends nothing and still succeeds. Older links keep working (a
// request never ends a valid link). Errors: Unauthorized (user gone).
class RequestEmailVerification {
 public:
  explicit RequestEmailVerification(LifecycleDeps d) : d_(d) {}
  [[nodiscard]] Status execute(const Uuid& user_id);

 private:
  LifecycleDeps d_;
};

// POST /v1/auth/verify-email: marks the email verified. Errors: TokenInvalid (unknown, used,
// expired, or its account gone).
class VerifyEmail {
 public:
  explicit VerifyEmail(LifecycleDeps d) : d_(d) {}
  [[nodiscard]] Result<users::domain::User> execute(const std::string& token,
                                                    const ClientInfo& client);

 private:
  LifecycleDeps d_;
};

// POST /v1/auth/password-reset/request: always succeeds. It only queues the request (one
// insert, the same work for every email), so neither the answer nor its timing tells whether
// an account has the email.
class RequestPasswordReset {
 public:
  RequestPasswordReset(LifecycleDeps d, ResetRequestQueue& queue) : d_(d), queue_(queue) {}
  [[nodiscard]] Status execute(const std::string& email);

 private:
  LifecycleDeps d_;
  ResetRequestQueue& queue_;
};

// Background step (run by the mail worker): takes queued reset requests and, for each email
// that belongs to a live account, stores a reset token and its mail in the outbox, in the
// same transaction that marks the request processed. Returns how many requests it handled.
class ProcessResetRequests {
 public:
  ProcessResetRequests(LifecycleDeps d, ResetRequestQueue& queue) : d_(d), queue_(queue) {}
  std::size_t execute(std::size_t limit = 20);

 private:
  LifecycleDeps d_;
  ResetRequestQueue& queue_;
};

// POST /v1/auth/password-reset/confirm: sets the new password and revokes every session.
// Errors: TokenInvalid, ValidationFailed (new_password).
class ConfirmPasswordReset {
 public:
  ConfirmPasswordReset(LifecycleDeps d, PasswordHasher& hasher,
                       const users::domain::PasswordPolicy& policy, LoginThrottle& throttle)
      : d_(d), hasher_(hasher), policy_(policy), throttle_(throttle) {}
  [[nodiscard]] Status execute(const std::string& token, const std::string& new_password,
                               const ClientInfo& client);

 private:
  LifecycleDeps d_;
  PasswordHasher& hasher_;
  const users::domain::PasswordPolicy& policy_;
  LoginThrottle& throttle_;
};

// POST /v1/users/me/email: after the password (counted like a login), mails a single-use link
// (24 h) to the new address when that address's mail limits admit one, recorded as
// email_change_requested. Nothing changes until the link is confirmed. Errors:
// ValidationFailed (new_email malformed, or the account's own), EmailTaken, InvalidCredentials,
// RateLimited, Unauthorized (the account is gone).
class RequestEmailChange {
 public:
  RequestEmailChange(LifecycleDeps d, PasswordHasher& hasher, LoginThrottle& throttle,
                     LoginLimits limits = {})
      : d_(d), password_(d.uow, d.users, hasher, throttle, limits, d.audit, d.clock) {}
  [[nodiscard]] Status execute(const Uuid& user_id, const std::string& new_email,
                               const std::string& password, const ClientInfo& client);

 private:
  LifecycleDeps d_;
  CallerPassword password_;
};

// POST /v1/auth/email-change/confirm: the account takes the new address, verified; the old
// address is told by mail; every other email-change link and every reset link (mailed to the
// old address) ends. Errors: TokenInvalid (unknown, used, expired, or its account gone),
// EmailTaken (the address was taken since the request).
class ConfirmEmailChange {
 public:
  explicit ConfirmEmailChange(LifecycleDeps d) : d_(d) {}
  [[nodiscard]] Result<users::domain::User> execute(const std::string& token,
                                                    const ClientInfo& client);

 private:
  LifecycleDeps d_;
};

}  // namespace authd::auth::application
