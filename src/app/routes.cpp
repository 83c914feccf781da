#include "app/routes.hpp"

#include "features/keys/presentation/http/key_routes.hpp"
#include "features/pages/presentation/http/page_routes.hpp"
#include "features/users/presentation/http/user_json.hpp"
#include "shared/presentation/health_routes.hpp"

namespace authd::app {

void addRoutes(http::RouteTable& routes, const RouteUseCases& uc) {
  const auto authenticate = auth::presentation::bearerAuthenticator(uc.authenticate);
  const auth::presentation::UserJson user_json = users::presentation::profileJson;
  auth::presentation::addTokenRoutes(routes, uc.tokens, user_json, authenticate);
  auth::presentation::addSessionRoutes(routes, uc.sessions, authenticate);
  auth::presentation::addAccountRoutes(routes, uc.account, user_json, authenticate);
  auth::presentation::addMfaRoutes(routes, uc.mfa, user_json, authenticate);
  users::presentation::addUserRoutes(routes, uc.users, authenticate);
  keys::presentation::addKeyRoutes(routes, uc.public_keys, uc.issuer, uc.jwks_max_age);
  pages::presentation::addPageRoutes(routes);
  http::addHealthRoutes(routes, uc.ready);
  routes.finish();
}

}  // namespace authd::app
