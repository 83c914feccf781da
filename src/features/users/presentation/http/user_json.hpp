#pragma once

#include <nlohmann/json.hpp>

#include "features/users/domain/user.hpp"

namespace authd::users::presentation {

// The contract's User JSON, never more: id, email, username, display_name (or null),
// email_verified, mfa_enabled, roles (sorted), created_at, updated_at.
nlohmann::json profileJson(const domain::Profile& profile);
inline nlohmann::json userJson(const domain::User& user) { return profileJson(user.profile()); }

}  // namespace authd::users::presentation
