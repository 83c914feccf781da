#pragma once

#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "shared/core/result.hpp"

namespace authd::users::domain {

// The rules a new password must meet (contract, "Users"): 8 to 128 code points, not equal to
// the email or username (ignoring case), not in the list of very common passwords.
// Thread-safe after construction.
class PasswordPolicy {
 public:
  // `common` lists forbidden passwords; they are compared after ASCII lowercasing.
  explicit PasswordPolicy(const std::vector<std::string>& common);

  // The built-in list (src/features/users/domain/data/common_passwords.txt).
  static const PasswordPolicy& standard();

  // ValidationFailed naming `field` with too_short, too_long, invalid_format or not_allowed.
  Status check(std::string_view password, std::string_view email, std::string_view username,
               std::string_view field = "password") const;

  std::size_t commonCount() const { return common_.size(); }

 private:
  std::unordered_set<std::string> common_;
};

}  // namespace authd::users::domain
