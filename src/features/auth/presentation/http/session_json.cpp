#include "features/auth/presentation/http/session_json.hpp"

#include "shared/core/time.hpp"

namespace authd::auth::presentation {
namespace {

// Empty text (nothing recorded) is null on the wire.
nlohmann::json nullIfEmpty(const std::string& s) {
  return s.empty() ? nlohmann::json(nullptr) : nlohmann::json(s);
}

}  // namespace

nlohmann::json sessionJson(const application::SessionView& v) {
  return {{"id", v.session.id.toString()},
          {"created_at", formatRfc3339(v.session.created_at)},
          {"last_used_at", formatRfc3339(v.session.last_used_at)},
          {"expires_at", formatRfc3339(v.session.expires_at)},
          {"user_agent", nullIfEmpty(v.session.user_agent)},
          {"ip", nullIfEmpty(v.session.ip)},
          {"current", v.current}};
}

nlohmann::json eventJson(const users::application::AuditEvent& e) {
  return {{"id", e.id.toString()},
          {"type", users::application::toString(e.type)},
          {"at", formatRfc3339(e.at)},
          {"ip", nullIfEmpty(e.ip)},
          {"user_agent", nullIfEmpty(e.user_agent)}};
}

}  // namespace authd::auth::presentation
