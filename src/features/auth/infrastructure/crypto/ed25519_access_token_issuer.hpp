#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "authd_verifier/verifier.hpp"
#include "features/auth/application/ports/access_token_issuer.hpp"
#include "features/auth/application/ports/access_token_verifier.hpp"
#include "features/auth/infrastructure/crypto/verified_token_cache.hpp"
#include "features/keys/application/ports/public_key_source.hpp"
#include "features/keys/domain/signing_key.hpp"
#include "shared/core/random_source.hpp"

namespace authd::auth::infrastructure {

using keys::domain::SigningKey;

struct AccessTokenConfig {
  std::string issuer = "http://127.0.0.1:8080";
  std::string audience = "authd";
  Seconds ttl{900};
  Seconds leeway{30};  // clock skew tolerated on exp and nbf when verifying
  // Verified tokens remembered (VerifiedTokenCache); 0 turns the memory off.
  std::size_t verified_token_cache = 4096;
};

// Compact JWS access tokens, issued and verified: header {"alg":"EdDSA","typ":"at+jwt","kid"},
// Ed25519 signature (crypto_sign_detached) over "header.payload". Keys arrive unsealed, at
// construction and at each replaceKeys() (the periodic reload after `authd rotate-keys`), never per
// request. Thread-safe: each call works on one immutable key set, swapped atomically.
class Ed25519AccessTokenIssuer final : public application::AccessTokenIssuer,
                                       public application::AccessTokenVerifier,
                                       public keys::application::PublicKeySource {
 public:
  // Exactly one key must be active. Throws std::invalid_argument otherwise.
  Ed25519AccessTokenIssuer(std::vector<SigningKey> keys, AccessTokenConfig config,
                           RandomSource& random);
  Ed25519AccessTokenIssuer(const Ed25519AccessTokenIssuer&) = delete;
  Ed25519AccessTokenIssuer& operator=(const Ed25519AccessTokenIssuer&) = delete;

  // Signs with the new active key from now on; verifies with exactly the new list (a key
  // left out is no longer trusted). Same rule as the constructor; on a throw nothing changes.
  void replaceKeys(std::vector<SigningKey> keys);
  // The kid new tokens are signed with.
  std::string activeKid() const;
  // Called (on the verifying thread) when a token carries exactly authd's header shape but a
  // kid this issuer does not hold -- another instance may have rotated. It may replaceKeys();
  // verification then looks once more. The callback rate-limits itself. Set before serving.
  void setKeyRefresher(std::function<void()> refresh) { refresher_ = std::move(refresh); }

  application::IssuedAccessToken issue(const users::domain::User& user, const Uuid& session_id,
                                       Timestamp now) override;
  std::vector<keys::domain::PublicSigningKey> publicKeys() const override;
  // Accepts only alg EdDSA with a known kid, a valid signature, our iss and aud, and
  // nbf - leeway <= now < exp + leeway. Everything else is Unauthorized. A token verified
  // before under the same key set answers from VerifiedTokenCache, its times checked again.
  Result<application::AccessClaims> verify(std::string_view token, Timestamp now) const override;

 private:
  struct KeySet {
    std::uint64_t generation = 0;  // unique per set made: what the token cache checks
    std::vector<SigningKey> keys;
    const SigningKey* active = nullptr;
    std::string encoded_header;                                  // of the active key
    std::shared_ptr<const authd::verifier::KeyMap> public_keys;  // what verification trusts
  };
  // The verifier library's view of this issuer's keys: authd feeds it from the database (the
  // current key set), and a kid it lacks asks the refresher once.
  class TrustedKeys final : public authd::verifier::KeySet {
   public:
    explicit TrustedKeys(const Ed25519AccessTokenIssuer& issuer) : issuer_(issuer) {}
    std::shared_ptr<const authd::verifier::KeyMap> current() const override;
    std::shared_ptr<const authd::verifier::KeyMap> refreshFor(std::string_view kid) const override;

   private:
    const Ed25519AccessTokenIssuer& issuer_;
  };
  static std::shared_ptr<const KeySet> makeKeySet(std::vector<SigningKey> keys);
  std::shared_ptr<const KeySet> current() const;

  std::shared_ptr<const KeySet> set_;  // only through std::atomic_load/atomic_store
  std::function<void()> refresher_;
  AccessTokenConfig config_;
  RandomSource& random_;
  TrustedKeys trusted_{*this};
  authd::verifier::Verifier verifier_;   // the one implementation of token verification
  mutable VerifiedTokenCache verified_;  // thread-safe; verify() is logically const
};

}  // namespace authd::auth::infrastructure
