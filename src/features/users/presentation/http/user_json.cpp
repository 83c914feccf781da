#include "features/users/presentation/http/user_json.hpp"

namespace authd::users::presentation {

nlohmann::json profileJson(const domain::Profile& s) {
  nlohmann::json roles = nlohmann::json::array();
  for (const auto& r : s.roles) roles.push_back(r);
  return {
      {"id", s.id.toString()},
      {"email", s.email},
      {"username", s.username},
      {"display_name", s.display_name ? nlohmann::json(*s.display_name) : nlohmann::json(nullptr)},
      {"email_verified", s.email_verified},
      {"mfa_enabled", s.mfa_enabled},
      {"roles", std::move(roles)},
      {"created_at", formatRfc3339(s.created_at)},
      {"updated_at", formatRfc3339(s.updated_at)},
  };
}

}  // namespace authd::users::presentation
