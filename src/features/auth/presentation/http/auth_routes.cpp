#include "features/auth/presentation/http/auth_routes.hpp"

namespace authd::auth::presentation {

users::presentation::Authenticator authenticatorFor(application::Authenticate& authenticate) {
  return [&authenticate](std::string_view token) -> Result<users::presentation::Caller> {
    auto principal = authenticate.execute(token);
    if (!principal) return tl::unexpected(principal.error());
    return users::presentation::Caller{std::move(principal->user), principal->session_id};
  };
}

void addAuthRoutes(http::RouteTable& routes, const AuthUseCases& use_cases,
                   const users::presentation::Authenticator& authenticate) {
  addTokenRoutes(routes, use_cases, authenticate);
  addSessionRoutes(routes, use_cases, authenticate);
  addAccountRoutes(routes, use_cases, authenticate);
  addKeyRoutes(routes, use_cases);
}

}  // namespace authd::auth::presentation
