#include "features/users/infrastructure/persistence/user_record_mapper.hpp"

#include <stdexcept>

#include <nlohmann/json.hpp>

#include "shared/core/encoding.hpp"

namespace authd::users::infrastructure {
namespace {

using nlohmann::json;

Timestamp timeField(const json& j, const char* key) {
  const auto t = parseRfc3339(j.at(key).get<std::string>());
  if (!t) throw std::runtime_error(std::string("stored session has a malformed ") + key);
  return *t;
}

Uuid uuidFrom(const std::string& text) {
  const auto id = Uuid::parse(text);
  if (!id) throw std::runtime_error("stored row has a malformed UUID");
  return *id;
}

}  // namespace

std::string sessionsToJson(const std::vector<domain::Session>& sessions) {
  json arr = json::array();
  for (const auto& x : sessions) {
    const auto& s = x.state();
    arr.push_back(json{
        {"id", s.id.toString()},
        {"gen", s.generation},
        {"digest", base64UrlEncode(s.token_digest)},
        {"created_at", formatRfc3339(s.created_at)},
        {"last_used_at", formatRfc3339(s.last_used_at)},
        {"expires_at", formatRfc3339(s.expires_at)},
        {"rotated_at", s.rotated_at ? json(formatRfc3339(*s.rotated_at)) : json(nullptr)},
        {"user_agent", s.user_agent},
        {"ip", s.ip},
        {"amr", domain::amrOf(s.methods)},
    });
  }
  // User agents are client-supplied and may be invalid UTF-8: replace, never throw.
  return arr.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::vector<domain::Session> sessionsFromJson(const std::string& text) {
  std::vector<domain::Session> out;
  try {
    const json arr = json::parse(text);
    for (const auto& j : arr) {
      domain::Session::State s;
      s.id = uuidFrom(j.at("id").get<std::string>());
      s.generation = j.at("gen").get<std::uint32_t>();
      const auto digest = base64UrlDecode(j.at("digest").get<std::string>());
      if (!digest) throw std::runtime_error("stored session has a malformed digest");
      s.token_digest = *digest;
      s.created_at = timeField(j, "created_at");
      s.last_used_at = timeField(j, "last_used_at");
      s.expires_at = timeField(j, "expires_at");
      if (j.contains("rotated_at") && !j.at("rotated_at").is_null()) {
        s.rotated_at = timeField(j, "rotated_at");
      }
      s.user_agent = j.value("user_agent", "");
      s.ip = j.value("ip", "");
      // Absent in sessions written before MFA existed: those were password logins.
      if (j.contains("amr")) {
        const auto& amr = j.at("amr");
        s.methods = amr == json::array({"pwd", "otp"}) ? domain::AuthMethods::PasswordAndOtp
                                                       : domain::AuthMethods::Password;
      }
      out.emplace_back(std::move(s));
    }
  } catch (const json::exception& e) {
    throw std::runtime_error(std::string("stored sessions are malformed: ") + e.what());
  }
  return out;
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
  r.sessions = sessionsToJson(s.sessions);
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
  s.sessions = sessionsFromJson(r.sessions);
  s.created_at = fromMicros(r.created_at);
  s.updated_at = fromMicros(r.updated_at);
  if (!r.deleted_at.null()) s.deleted_at = fromMicros(r.deleted_at.get());
  s.version = r.version;
  try {
    for (const auto& role : nlohmann::json::parse(r.role_names))
      s.roles.insert(role.get<std::string>());
  } catch (const nlohmann::json::exception& e) {
    throw std::runtime_error(std::string("stored role_names are malformed: ") + e.what());
  }
  return domain::User(std::move(s));
}

}  // namespace authd::users::infrastructure
