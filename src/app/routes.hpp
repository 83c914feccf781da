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
  auth::presentation::MfaUseCases mfa;
  users::presentation::UserUseCases users;
  const keys::application::ListPublicKeys& public_keys;
  auth::application::Authenticate& authenticate;
  std::function<bool()> ready;  // GET /readyz: the schema is current
  std::string issuer;           // base URL, for discovery
  Seconds jwks_max_age;         // Cache-Control of the JWKS (AUTH_JWKS_MAX_AGE)
};

// The RouteUseCases of an object graph that names its use cases as Wiring does (Wiring, and the
// route-level tests' graph over fakes): one list, so a new route's use case is added once.
template <typename Graph>
RouteUseCases routeUseCasesOf(Graph& g, std::function<bool()> ready, std::string issuer,
                              Seconds jwks_max_age = Seconds(300)) {
  return {
      {g.register_user, g.login_user, g.refresh_session, g.logout, g.logout_all, g.revoke_token,
       g.introspect},
      {g.list_sessions, g.revoke_session, g.list_events, g.admin_accounts},
      {g.change_password, g.delete_account, g.request_verification, g.verify_email, g.request_reset,
       g.confirm_reset, g.lift_lockout, g.request_email_change, g.confirm_email_change},
      {g.start_totp, g.confirm_totp, g.disable_totp, g.regenerate_recovery_codes,
       g.complete_mfa_login, g.reset_mfa},
      {g.get_profile, g.update_profile, g.list_users, g.get_user, g.change_role},
      g.list_public_keys,
      g.authenticate,
      std::move(ready),
      std::move(issuer),
      jwks_max_age};
}

// The whole contract on `routes`, then finish() (the 404/405 fallbacks).
void addRoutes(http::RouteTable& routes, const RouteUseCases& use_cases);

}  // namespace authd::app
