#include "features/users/infrastructure/persistence/user_record_mapper.hpp"

#include <stdexcept>

#include <nlohmann/json.hpp>

#include "features/users/infrastructure/persistence/sessions_json.hpp"
#include "shared/core/encoding.hpp"

namespace authd::users::infrastructure {
namespace {

Uuid uuidFrom(const std::string& text) {
  const auto id = Uuid::parse(text);
  if (!id) throw std::runtime_error("stored row has a malformed UUID");
  return *id;
}

}  // namespace

std::set<std::string> roleNamesFromJson(std::string_view text) {
  std::set<std::string> roles;
  try {
    for (const auto& role : nlohmann::json::parse(text)) roles.insert(role.get<std::string>());
  } catch (const nlohmann::json::exception& e) {
    throw std::runtime_error(std::string("stored role_names are malformed: ") + e.what());
  }
  return roles;
}

records::UserRecord toRecord(const domain::User& user) {
  const auto& s = user.state();
  records::UserRecord r;
  r.id = s.id.toString();
  r.email = s.email;
  r.username = s.username;
  if (s.display_name) r.display_name = *s.display_name;
  r.password_hash = s.password_hash;
  r.email_verified = s.email_verified;
  r.mfa_enabled = s.mfa_enabled;
  r.sessions = writeSessionsJson(s.sessions);
  r.created_at = toMicros(s.created_at);
  r.updated_at = toMicros(s.updated_at);
  if (s.deleted_at) r.deleted_at = toMicros(*s.deleted_at);
  r.version = s.version;
  nlohmann::json names = nlohmann::json::array();
  for (const auto& role : s.roles) names.push_back(role);  // std::set: sorted
  r.role_names = names.dump();
  r.roles = s.roles;
  // user_roles is rewritten only when the roles changed (or on insert, which writes all).
  r.roles_section.reset(/*loaded=*/true, /*changed=*/s.roles_changed);
  return r;
}

domain::User toDomain(const records::UserRecord& r) {
  domain::User::State s;
  s.id = uuidFrom(r.id);
  s.email = r.email;
  s.username = r.username;
  if (!r.display_name.null()) s.display_name = r.display_name.get();
  s.password_hash = r.password_hash;
  s.email_verified = r.email_verified;
  s.mfa_enabled = r.mfa_enabled;
  s.sessions = readSessionsJson(r.sessions);
  s.created_at = fromMicros(r.created_at);
  s.updated_at = fromMicros(r.updated_at);
  if (!r.deleted_at.null()) s.deleted_at = fromMicros(r.deleted_at.get());
  s.version = r.version;
  s.roles = roleNamesFromJson(r.role_names);
  return domain::User(std::move(s));
}

}  // namespace authd::users::infrastructure
