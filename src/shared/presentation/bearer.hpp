// Bearer-protected routes, for every feature: who the caller is and how a route gets it.
#pragma once

#include <pistache/http.h>
#include <pistache/router.h>

#include <functional>
#include <set>
#include <string>
#include <string_view>

#include "shared/core/result.hpp"
#include "shared/core/uuid.hpp"

namespace authd::http {

// The caller of a Bearer-protected route: what the access token and its live session prove.
// A feature that needs more of the user loads it through its own use case.
struct Principal {
  Uuid user_id;
  Uuid session_id;
  std::set<std::string> roles;

  bool hasRole(const std::string& role) const { return roles.count(role) > 0; }
};

// Resolves a bearer access token to its principal (Unauthorized otherwise). Injected by the
// composition root, so no feature depends on how another checks tokens.
using Authenticator = std::function<Result<Principal>(std::string_view bearer_token)>;

// Runs `handler` for an authenticated caller (holding `role`, when given, else 403), or
// answers 401/403 itself.
void withPrincipal(const Authenticator& authenticate, const Pistache::Rest::Request& request,
                   Pistache::Http::ResponseWriter& response, const char* role,
                   const std::function<void(const Principal&)>& handler);

}  // namespace authd::http
