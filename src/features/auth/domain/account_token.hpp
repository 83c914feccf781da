#pragma once

#include <optional>
#include <string>

#include "shared/core/random_source.hpp"
#include "shared/core/time.hpp"
#include "shared/core/uuid.hpp"

namespace authd::auth::domain {

enum class AccountTokenKind { VerifyEmail, PasswordReset, EmailChange };

const char* toString(AccountTokenKind kind);  // "verify_email", "password_reset", "email_change"
std::optional<AccountTokenKind> accountTokenKindFrom(const std::string& text);

// Lifetimes from the contract: 24 h to verify an email or confirm a new one, 1 h to reset a
// password.
Seconds lifetimeOf(AccountTokenKind kind);

inline constexpr std::size_t kAccountTokenSecretSize = 32;  // 256 bits

// A single-use token mailed to a user. Only its digest is kept.
struct AccountToken {
  Uuid id;
  Uuid user_id;
  AccountTokenKind kind = AccountTokenKind::VerifyEmail;
  Bytes digest;
  Timestamp created_at;
  Timestamp expires_at;
  std::optional<Timestamp> used_at;
  std::optional<std::string> new_email;  // EmailChange only: the address being confirmed

  // Not used and not expired.
  bool usableAt(Timestamp now) const { return !used_at && now < expires_at; }
};

}  // namespace authd::auth::domain
