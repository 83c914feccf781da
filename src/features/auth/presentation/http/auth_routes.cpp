#include "features/auth/presentation/http/auth_routes.hpp"

namespace authd::auth::presentation {

http::Authenticator bearerAuthenticator(application::Authenticate& authenticate) {
  return [&authenticate](std::string_view token) -> Result<http::Principal> {
    auto principal = authenticate.execute(token);
    if (!principal) return tl::unexpected(principal.error());
    return http::Principal{principal->user_id, principal->session_id, std::move(principal->roles)};
  };
}

}  // namespace authd::auth::presentation
