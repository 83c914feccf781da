#include "features/auth/presentation/http/token_json.hpp"

namespace authd::auth::presentation {

nlohmann::json grantJson(const application::TokenGrant& g, nlohmann::json user) {
  return {
      {"token_type", "Bearer"},
      {"access_token", g.access_token},
      {"expires_in", g.expires_in.count()},
      {"refresh_token", g.refresh_token},
      {"refresh_expires_in", g.refresh_expires_in.count()},
      {"user", std::move(user)},
  };
}

nlohmann::json introspectionJson(const application::AccessClaims& claims) {
  return {{"active", true},
          {"sub", claims.subject.toString()},
          {"sid", claims.session.toString()},
          {"exp", claims.expires_at},
          {"iat", claims.issued_at},
          {"iss", claims.issuer},
          {"aud", claims.audience},
          {"roles", claims.roles},
          {"amr", claims.amr},
          {"token_type", "access_token"}};
}

}  // namespace authd::auth::presentation
