// libFuzzer target: authd_verifier on its own, no authd code around it. The first byte picks
// the mode (as in fuzz_access_token, whose seeds this target shares):
//   0: the rest is a whole token (split, base64url, header JSON, every refusal before the
//      signature) and also a JWKS document; nothing may be accepted, since the fixed key below
//      never signs such bytes;
//   1: the rest is a claims JSON text, signed here with the trusted key, so the claim parsing
//      and every claim rule past the signature are reached.
// Any crash, leak or sanitizer report fails.
#include <sodium.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "authd_verifier/verifier.hpp"

namespace {

using authd::verifier::PublicKey;

constexpr std::int64_t kNow = 1'700'000'100;  // inside the seeds' validity

std::string b64(std::string_view bytes) {
  std::string out(sodium_base64_encoded_len(bytes.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING),
                  '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                    bytes.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.pop_back();
  return out;
}

struct Fixture {
  Fixture() {
    if (sodium_init() < 0) __builtin_trap();
    PublicKey k;
    k.kid = "kid-1";
    const unsigned char seed[crypto_sign_SEEDBYTES] = {7};  // fixed: runs are reproducible
    crypto_sign_seed_keypair(k.key.data(), secret, seed);
    keys = std::make_unique<authd::verifier::StaticKeySet>(std::vector<PublicKey>{k});
    verifier = std::make_unique<authd::verifier::Verifier>(
        *keys, authd::verifier::Options{"https://issuer.test", "authd"});
  }
  unsigned char secret[crypto_sign_SECRETKEYBYTES];
  std::unique_ptr<authd::verifier::StaticKeySet> keys;
  std::unique_ptr<authd::verifier::Verifier> verifier;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static Fixture f;
  if (size == 0) return 0;
  const std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  if (data[0] % 2 == 0) {
    if (f.verifier->verify(rest, kNow)) __builtin_trap();
    (void)authd::verifier::parseJwks(rest);
    (void)authd::verifier::base64UrlDecode(rest);
    return 0;
  }
  const std::string input =
      b64(R"({"alg":"EdDSA","kid":"kid-1","typ":"at+jwt"})") + "." + b64(rest);
  unsigned char sig[crypto_sign_BYTES];
  crypto_sign_detached(sig, nullptr, reinterpret_cast<const unsigned char*>(input.data()),
                       input.size(), f.secret);
  const std::string token =
      input + "." + b64(std::string_view(reinterpret_cast<const char*>(sig), sizeof sig));
  const auto result = f.verifier->verify(token, kNow);
  // Whatever is accepted must have passed every rule.
  if (result && (result.claims->iss != "https://issuer.test" || result.claims->sub.empty() ||
                 kNow >= result.claims->exp + 30)) {
    __builtin_trap();
  }
  return 0;
}
