// JSON of the key routes: the JWKS and the OpenID discovery document.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "features/keys/domain/signing_key.hpp"

namespace authd::keys::presentation {

// {"keys": [{"kty": "OKP", "crv": "Ed25519", "x", "kid", "alg": "EdDSA", "use": "sig"}]}
nlohmann::json jwksJson(const std::vector<domain::PublicSigningKey>& keys);

// The discovery document of an issuer at base URL `issuer`.
nlohmann::json discoveryJson(const std::string& issuer);

}  // namespace authd::keys::presentation
