#pragma once

#include <string>

#include "features/auth/application/ports/mail.hpp"

namespace authd::auth::infrastructure {

struct SmtpConfig {
  std::string url;  // smtp://host:port or smtps://host:port (AUTH_SMTP_URL)
  std::string from = "authd@localhost";
  bool starttls = false;  // require STARTTLS on smtp:// (AUTH_SMTP_STARTTLS=1)
  std::string username;   // AUTH_SMTP_USERNAME / AUTH_SMTP_PASSWORD, optional
  std::string password;
  long timeout_s = 15;
};

// Mailer over SMTP with libcurl (Debian's libcurl4-openssl-dev): a multipart/alternative
// message with the plain-text and HTML bodies. Connection failures and 4xx replies are
// Unavailable (retry); 5xx replies are Internal (permanent). Thread-safe.
class SmtpMailer final : public application::Mailer {
 public:
  explicit SmtpMailer(SmtpConfig config);
  Status send(const application::Mail& mail) override;

 private:
  SmtpConfig config_;
};

// Dev-mode Mailer: writes the mail, link included, to the log instead of sending it.
class LogMailer final : public application::Mailer {
 public:
  Status send(const application::Mail& mail) override;
};

}  // namespace authd::auth::infrastructure
