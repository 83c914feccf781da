#include "features/keys/presentation/http/key_json.hpp"

namespace authd::keys::presentation {

nlohmann::json jwksJson(const std::vector<domain::PublicSigningKey>& keys) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& k : keys) {
    out.push_back({{"kty", "OKP"},
                   {"crv", "Ed25519"},
                   {"x", k.x},
                   {"kid", k.kid},
                   {"alg", "EdDSA"},
                   {"use", "sig"}});
  }
  return {{"keys", std::move(out)}};
}

nlohmann::json discoveryJson(const std::string& base) {
  const auto list = [](std::initializer_list<const char*> items) {
    return nlohmann::json(std::vector<std::string>(items.begin(), items.end()));
  };
  return {{"issuer", base},
          {"jwks_uri", base + "/.well-known/jwks.json"},
          {"token_endpoint", base + "/v1/auth/refresh"},
          {"introspection_endpoint", base + "/v1/auth/introspect"},
          {"revocation_endpoint", base + "/v1/auth/revoke"},
          {"token_endpoint_auth_methods_supported", list({"none"})},
          {"introspection_endpoint_auth_methods_supported", list({"none"})},
          {"revocation_endpoint_auth_methods_supported", list({"none"})},
          {"grant_types_supported", list({"password", "refresh_token"})},
          // authd issues access tokens only: no ID tokens, no authorization endpoint.
          {"response_types_supported", nlohmann::json::array()},
          {"claims_supported", list({"iss", "sub", "aud", "iat", "nbf", "exp", "jti", "sid",
                                     "roles", "email", "email_verified", "username", "amr"})}};
}

}  // namespace authd::keys::presentation
