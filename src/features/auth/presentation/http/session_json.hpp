// JSON of the session routes: a session as its owner sees it, and a security event.
#pragma once

#include <nlohmann/json.hpp>

#include "features/auth/application/use_cases/session_management.hpp"
#include "features/users/application/ports/audit_log.hpp"

namespace authd::auth::presentation {

// {"id", "created_at", "last_used_at", "expires_at", "user_agent", "ip", "current"}
nlohmann::json sessionJson(const application::SessionView& view);

// {"id", "type", "at", "ip", "user_agent"}
nlohmann::json eventJson(const users::application::AuditEvent& event);

}  // namespace authd::auth::presentation
