#pragma once

#include <string>

#include "features/auth/application/ports/mail.hpp"

namespace authd::auth::infrastructure {

// MailTemplates from the files in mail/templates/ (compiled in). Placeholders: {{link}},
// {{username}}, {{hours}}, and in notices {{how}} and {{at}}; values are HTML-escaped in the
// HTML body. Links are
// `<public_url>/verify-email?token=...` and `<public_url>/reset-password?token=...`.
class EmbeddedMailTemplates final : public application::MailTemplates {
 public:
  explicit EmbeddedMailTemplates(std::string public_url);
  application::Mail render(domain::AccountTokenKind kind, const std::string& to,
                           const std::string& username, const std::string& token) const override;
  application::Mail renderNotice(application::Notice notice, const std::string& to,
                                 const std::string& username, const std::string& at,
                                 const std::string& detail) const override;

 private:
  std::string public_url_;
};

}  // namespace authd::auth::infrastructure
