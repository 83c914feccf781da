#include "features/auth/domain/account_token.hpp"

namespace authd::auth::domain {

const char* toString(AccountTokenKind kind) {
  return kind == AccountTokenKind::VerifyEmail ? "verify_email" : "password_reset";
}

std::optional<AccountTokenKind> accountTokenKindFrom(const std::string& text) {
  if (text == "verify_email") return AccountTokenKind::VerifyEmail;
  if (text == "password_reset") return AccountTokenKind::PasswordReset;
  return std::nullopt;
}

Seconds lifetimeOf(AccountTokenKind kind) {
  return kind == AccountTokenKind::VerifyEmail ? Seconds(24 * 3600) : Seconds(3600);
}

}  // namespace authd::auth::domain
