// JSON of the token routes: the grant of register, login and refresh, and introspection.
#pragma once

#include <nlohmann/json.hpp>

#include "features/auth/application/ports/access_token_verifier.hpp"
#include "features/auth/application/use_cases/session_tokens.hpp"

namespace authd::auth::presentation {

// {"token_type", "access_token", "expires_in", "refresh_token", "refresh_expires_in", "user"},
// with `user` already in its wire shape.
nlohmann::json grantJson(const application::TokenGrant& grant, nlohmann::json user);

// RFC 7662 for an active token (the inactive answer is {"active": false}).
nlohmann::json introspectionJson(const application::AccessClaims& claims);

}  // namespace authd::auth::presentation
