// JSON of the key routes: the JWKS and the OpenID discovery document.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "features/auth/application/ports/access_token_issuer.hpp"

namespace authd::auth::presentation {

// {"keys": [{"kty": "OKP", "crv": "Ed25519", "x", "kid", "alg": "EdDSA", "use": "sig"}]}
nlohmann::json jwksJson(const std::vector<application::PublicSigningKey>& keys);

// The discovery document of an issuer at base URL `issuer`.
nlohmann::json discoveryJson(const std::string& issuer);

}  // namespace authd::auth::presentation
