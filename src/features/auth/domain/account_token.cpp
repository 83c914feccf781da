#include "features/auth/domain/account_token.hpp"

namespace authd::auth::domain {

const char* toString(AccountTokenKind kind) {
  switch (kind) {
    case AccountTokenKind::VerifyEmail:
      return "verify_email";
    case AccountTokenKind::PasswordReset:
      return "password_reset";
    case AccountTokenKind::EmailChange:
      return "email_change";
  }
  return "?";
}

std::optional<AccountTokenKind> accountTokenKindFrom(const std::string& text) {
  if (text == "verify_email") return AccountTokenKind::VerifyEmail;
  if (text == "password_reset") return AccountTokenKind::PasswordReset;
  if (text == "email_change") return AccountTokenKind::EmailChange;
  return std::nullopt;
}

Seconds lifetimeOf(AccountTokenKind kind) {
  return kind == AccountTokenKind::PasswordReset ? Seconds(3600) : Seconds(24 * 3600);
}

}  // namespace authd::auth::domain
