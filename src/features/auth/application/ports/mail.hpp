#pragma once

#include <optional>
#include <string>

#include "features/auth/domain/account_token.hpp"
#include "features/auth/domain/mail_limits.hpp"
#include "shared/core/result.hpp"

namespace authd::auth::application {

struct Mail {
  std::string to;
  std::string subject;
  std::string text;  // plain-text body
  std::string html;  // HTML body
  // A mail that carries a link is never sent after the link has expired.
  std::optional<Timestamp> expires_at;
};

// A security notice to the account's own address (ASVS 2.2.3, 2.5.5): no link, no secret.
enum class Notice {
  PasswordChanged,
  PasswordReset,
  MfaEnabled,
  MfaDisabled,
  MfaReset,
  EmailChanged,  // to the old address; `detail` is the new one
};

// Port: renders mail from the templates in the repository: the mail for an account token, with
// the link built from configuration (AUTH_PUBLIC_URL), and security notices.
class MailTemplates {
 public:
  virtual ~MailTemplates() = default;
  virtual Mail render(domain::AccountTokenKind kind, const std::string& to,
                      const std::string& username, const std::string& token) const = 0;
  // `at`: when it happened, as RFC 3339 UTC text; `detail`: what the notice names besides
  // (EmailChanged: the new address; empty for the others).
  virtual Mail renderNotice(Notice notice, const std::string& to, const std::string& username,
                            const std::string& at, const std::string& detail = "") const = 0;
};

// Port: the outbox. enqueue() joins the caller's transaction, so the mail exists exactly when
// the change that needs it does; a background worker delivers it later.
class MailOutbox {
 public:
  virtual ~MailOutbox() = default;
  virtual void enqueue(const Mail& mail) = 0;
  // The recipient's recent mail as of `now`. Locks the recipient for the rest of the
  // transaction, so concurrent requests for one address are counted one after the other.
  virtual domain::RecipientLoad loadOf(const std::string& recipient, Timestamp now) = 0;
};

// Port: delivers one mail now. Unavailable (temporary: retry later) or Internal (permanent).
// Called by the outbox worker only, never on a request path. Thread-safe.
class Mailer {
 public:
  virtual ~Mailer() = default;
  virtual Status send(const Mail& mail) = 0;
};

}  // namespace authd::auth::application
