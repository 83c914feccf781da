#pragma once

#include <string>
#include <vector>

#include "features/auth/application/ports/access_token_issuer.hpp"
#include "features/auth/application/ports/access_token_verifier.hpp"
#include "features/auth/infrastructure/crypto/signing_key.hpp"
#include "shared/core/random_source.hpp"

namespace authd::auth::infrastructure {

struct AccessTokenConfig {
  std::string issuer = "http://127.0.0.1:8080";
  std::string audience = "authd";
  Seconds ttl{900};
  Seconds leeway{30};  // clock skew tolerated on exp and nbf when verifying
};

// Compact JWS access tokens, issued and verified: header {"alg":"EdDSA","typ":"at+jwt","kid"}, Ed25519 signature
// (crypto_sign_detached) over "header.payload". Keys are unsealed once, at construction, and
// never again per request. Thread-safe (immutable after construction; RandomSource is).
class Ed25519AccessTokenIssuer final : public application::AccessTokenIssuer,
                                       public application::AccessTokenVerifier {
 public:
  // Exactly one key must be active. Throws std::invalid_argument otherwise.
  Ed25519AccessTokenIssuer(std::vector<SigningKey> keys, AccessTokenConfig config,
                           RandomSource& random);
  // Holds pointers into its own key list.
  Ed25519AccessTokenIssuer(const Ed25519AccessTokenIssuer&) = delete;
  Ed25519AccessTokenIssuer& operator=(const Ed25519AccessTokenIssuer&) = delete;

  application::IssuedAccessToken issue(const users::domain::User& user, const Uuid& session_id,
                                       Timestamp now) override;
  std::vector<application::PublicSigningKey> publicKeys() const override;
  // Accepts only alg EdDSA with a known kid, a valid signature, our iss and aud, and
  // nbf - leeway <= now < exp + leeway. Everything else is Unauthorized.
  Result<application::AccessClaims> verify(std::string_view token, Timestamp now) const override;

 private:
  std::vector<SigningKey> keys_;
  const SigningKey* active_ = nullptr;
  std::string encoded_header_;  // of the active key
  std::vector<std::pair<std::string, const SigningKey*>> headers_;  // every key's exact header
  AccessTokenConfig config_;
  RandomSource& random_;
};

}  // namespace authd::auth::infrastructure
