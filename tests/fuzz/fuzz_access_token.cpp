// libFuzzer target: authd's own access-token checks (JWS parsing, header match, signature,
// claims). The first byte picks the mode:
//   even -- the rest is a whole token, verified as a bearer token would be;
//   odd  -- the rest is a claims payload that is signed with the real key first, so the fuzzer
//           reaches the claims parsing and iss/aud/exp/nbf checks behind the signature.
// A token that verifies in the first mode must carry the one header authd writes.
#include <sodium.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>

#include "features/auth/infrastructure/crypto/ed25519_access_token_issuer.hpp"
#include "shared/core/encoding.hpp"

namespace {

using authd::Bytes;

// Deterministic bytes, so a crash reproduces (no key or jti randomness matters here).
class CountingRandom final : public authd::RandomSource {
 public:
  Bytes bytes(std::size_t count) override {
    Bytes out(count);
    for (auto& b : out) b = static_cast<std::uint8_t>(++n_);
    return out;
  }

 private:
  unsigned n_ = 0;
};

struct Fixture {
  CountingRandom random;
  Bytes pk = Bytes(crypto_sign_PUBLICKEYBYTES);
  Bytes sk = Bytes(crypto_sign_SECRETKEYBYTES);
  std::unique_ptr<authd::auth::infrastructure::Ed25519AccessTokenIssuer> issuer;
  std::string header;  // the encoded header authd writes for this key

  Fixture() {
    if (sodium_init() < 0) std::abort();
    const Bytes seed(crypto_sign_SEEDBYTES, 42);
    crypto_sign_seed_keypair(pk.data(), sk.data(), seed.data());
    authd::auth::infrastructure::SigningKey key{"fuzz-kid", pk, authd::secretFrom(sk),
                                                true,       {}, std::nullopt};
    issuer = std::make_unique<authd::auth::infrastructure::Ed25519AccessTokenIssuer>(
        std::vector<authd::auth::infrastructure::SigningKey>{key},
        authd::auth::infrastructure::AccessTokenConfig{"https://issuer.test", "authd"}, random);
    header = authd::base64UrlEncode(
        std::string_view(R"({"alg":"EdDSA","kid":"fuzz-kid","typ":"at+jwt"})"));
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static Fixture f;
  if (size == 0) return 0;
  const authd::Timestamp now = authd::fromMicros(1'700'000'000'000'000);
  const std::string rest(reinterpret_cast<const char*>(data + 1), size - 1);
  if (data[0] % 2 == 0) {
    if (f.issuer->verify(rest, now) && rest.compare(0, f.header.size() + 1, f.header + ".") != 0) {
      std::abort();  // something other than our exact header was accepted
    }
    return 0;
  }
  std::string signing_input = f.header + "." + authd::base64UrlEncode(std::string_view(rest));
  unsigned char sig[crypto_sign_BYTES];
  crypto_sign_detached(sig, nullptr, reinterpret_cast<const unsigned char*>(signing_input.data()),
                       signing_input.size(), f.sk.data());
  (void)f.issuer->verify(signing_input + "." + authd::base64UrlEncode(sig, sizeof sig), now);
  return 0;
}
