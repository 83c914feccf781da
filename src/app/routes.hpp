#pragma once

#include <functional>
#include <string>

#include "features/auth/presentation/http/auth_routes.hpp"
#include "features/keys/application/use_cases/list_public_keys.hpp"
#include "features/users/presentation/http/user_routes.hpp"
#include "shared/presentation/route_table.hpp"

namespace authd::app {

// Every use case a route calls: what `authd serve` builds in Wiring, and what the route-level
// tests build over in-memory fakes. All must outlive the router.
struct RouteUseCases {
  auth::presentation::TokenUseCases tokens;
  auth::presentation::SessionUseCases sessions;
  auth::presentation::AccountUseCases account;
  users::presentation::UserUseCases users;
  const keys::application::ListPublicKeys& public_keys;
  auth::application::Authenticate& authenticate;
  std::function<bool()> ready;  // GET /readyz: the schema is current
  std::string issuer;           // base URL, for discovery
};

// The whole contract on `routes`, then finish() (the 404/405 fallbacks).
void addRoutes(http::RouteTable& routes, const RouteUseCases& use_cases);

}  // namespace authd::app
