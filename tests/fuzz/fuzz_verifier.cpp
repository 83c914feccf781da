// libFuzzer target: authd_verifier's parsing of untrusted input on its own -- a whole token
// (split, base64url, header and claim JSON, every refusal path) and a JWKS document -- with no
// authd code around it. The bytes are a token; the same bytes are also read as a JWKS.
// Any crash, leak or sanitizer report fails.
#include <sodium.h>

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "authd_verifier/verifier.hpp"

namespace {

using authd::verifier::PublicKey;

struct Fixture {
  Fixture() {
    if (sodium_init() < 0) __builtin_trap();
    PublicKey k;
    k.kid = "kid-1";
    crypto_sign_keypair(k.key.data(), secret);
    keys = std::make_unique<authd::verifier::StaticKeySet>(std::vector<PublicKey>{k});
    verifier = std::make_unique<authd::verifier::Verifier>(
        *keys, authd::verifier::Options{"https://issuer", "aud"});
  }
  unsigned char secret[crypto_sign_SECRETKEYBYTES];
  std::unique_ptr<authd::verifier::StaticKeySet> keys;
  std::unique_ptr<authd::verifier::Verifier> verifier;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static Fixture f;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const auto result = f.verifier->verify(input, 1'800'000'000);
  // A random key never signed anything: nothing may be accepted.
  if (result) __builtin_trap();
  (void)authd::verifier::parseJwks(input);
  (void)authd::verifier::base64UrlDecode(input);
  return 0;
}
