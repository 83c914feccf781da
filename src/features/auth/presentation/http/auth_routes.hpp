#pragma once

#include <pistache/router.h>

#include "features/auth/application/ports/access_token_issuer.hpp"
#include "features/auth/application/use_cases/login_user.hpp"
#include "features/auth/application/use_cases/refresh_session.hpp"
#include "features/auth/application/use_cases/register_user.hpp"
#include "shared/presentation/http_support.hpp"

namespace authd::auth::presentation {

struct AuthUseCases {
  application::RegisterUser& register_user;
  application::LoginUser& login_user;
  application::RefreshSession& refresh_session;
  application::AccessTokenIssuer& keys;
};

// POST /v1/auth/register, /v1/auth/login, /v1/auth/refresh and GET /.well-known/jwks.json.
// The use cases must outlive the router.
void addAuthRoutes(Pistache::Rest::Router& router, AuthUseCases use_cases,
                   http::HttpOptions options);

}  // namespace authd::auth::presentation
