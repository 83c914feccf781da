#include "features/auth/infrastructure/crypto/ed25519_access_token_issuer.hpp"

#include <stdexcept>

#include <nlohmann/json.hpp>
#include <sodium.h>

#include "shared/core/encoding.hpp"

namespace authd::auth::infrastructure {

Ed25519AccessTokenIssuer::Ed25519AccessTokenIssuer(std::vector<SigningKey> keys,
                                                   AccessTokenConfig config, RandomSource& random)
    : keys_(std::move(keys)), config_(std::move(config)), random_(random) {
  for (const auto& k : keys_) {
    if (!k.active) continue;
    if (active_ != nullptr) throw std::invalid_argument("more than one active signing key");
    if (k.secret_key.size() != crypto_sign_SECRETKEYBYTES ||
        k.public_key.size() != crypto_sign_PUBLICKEYBYTES) {
      throw std::invalid_argument("active signing key has the wrong size");
    }
    active_ = &k;
  }
  if (active_ == nullptr) throw std::invalid_argument("no active signing key");
  const nlohmann::json header = {{"alg", "EdDSA"}, {"typ", "at+jwt"}, {"kid", active_->kid}};
  encoded_header_ = base64UrlEncode(header.dump());
}

application::IssuedAccessToken Ed25519AccessTokenIssuer::issue(const users::domain::User& user,
                                                               const Uuid& session_id,
                                                               Timestamp now) {
  const auto iat = toUnixSeconds(now);
  nlohmann::json roles = nlohmann::json::array();
  for (const auto& r : user.roles()) roles.push_back(r);  // std::set: already sorted
  const nlohmann::json claims = {
      {"iss", config_.issuer},
      {"sub", user.id().toString()},
      {"aud", config_.audience},
      {"iat", iat},
      {"nbf", iat},
      {"exp", iat + config_.ttl.count()},
      {"jti", Uuid::v7(now, random_).toString()},
      {"sid", session_id.toString()},
      {"roles", roles},
      {"email", user.email()},
      {"email_verified", user.state().email_verified},
      {"username", user.username()},
  };
  std::string token = encoded_header_;
  token.push_back('.');
  token += base64UrlEncode(claims.dump());
  unsigned char sig[crypto_sign_BYTES];
  crypto_sign_detached(sig, nullptr, reinterpret_cast<const unsigned char*>(token.data()),
                       token.size(), active_->secret_key.data());
  token.push_back('.');
  token += base64UrlEncode(sig, sizeof sig);
  return {std::move(token), config_.ttl};
}

std::vector<application::PublicSigningKey> Ed25519AccessTokenIssuer::publicKeys() const {
  std::vector<application::PublicSigningKey> out;
  for (const auto& k : keys_) {
    out.push_back({k.kid, base64UrlEncode(k.public_key)});
  }
  return out;
}

}  // namespace authd::auth::infrastructure
