// Micro benchmarks of the hot pieces (issue 5): access-token signing and verification beside
// the raw libsodium calls on the same bytes, refresh-token encode/decode, the sessions JSON
// array both ways, the User JSON response, and Argon2id verification at the configured cost
// (AUTH_ARGON2_OPSLIMIT / AUTH_ARGON2_MEMLIMIT, default libsodium INTERACTIVE).
#include <benchmark/benchmark.h>
#include <sodium.h>

#include <cstdlib>

#include "authd_verifier/verifier.hpp"
#include "features/auth/domain/refresh_token.hpp"
#include "features/auth/infrastructure/crypto/ed25519_access_token_issuer.hpp"
#include "features/auth/infrastructure/crypto/sodium_password_hasher.hpp"
#include "features/users/infrastructure/persistence/sessions_json.hpp"
#include "features/users/infrastructure/persistence/user_record_mapper.hpp"
#include "features/users/presentation/http/user_json.hpp"
#include "shared/infrastructure/sodium_random_source.hpp"
#include "shared/infrastructure/system_clock.hpp"

namespace {

using namespace authd;

struct Fixture {
  SodiumRandomSource random;
  SystemClock clock;
  Bytes pk = Bytes(crypto_sign_PUBLICKEYBYTES);
  Bytes sk = Bytes(crypto_sign_SECRETKEYBYTES);
  // Without the verified-token memory, so BM_AccessTokenVerify measures a whole verification;
  // `remembering` has it, as authd runs (BM_AccessTokenVerifyRemembered).
  std::unique_ptr<auth::infrastructure::Ed25519AccessTokenIssuer> issuer;
  std::unique_ptr<auth::infrastructure::Ed25519AccessTokenIssuer> remembering;
  std::optional<users::domain::User> user;
  Uuid sid;

  Fixture() {
    crypto_sign_keypair(pk.data(), sk.data());
    const std::vector<auth::infrastructure::SigningKey> keys{
        {"kid-bench", pk, secretFrom(sk), true, clock.now(), std::nullopt}};
    auth::infrastructure::AccessTokenConfig no_memory;
    no_memory.verified_token_cache = 0;
    issuer =
        std::make_unique<auth::infrastructure::Ed25519AccessTokenIssuer>(keys, no_memory, random);
    remembering = std::make_unique<auth::infrastructure::Ed25519AccessTokenIssuer>(
        keys, auth::infrastructure::AccessTokenConfig{}, random);
    user.emplace(users::domain::User::create(
        Uuid::v7(clock.now(), random), *users::domain::Email::parse("bench@example.com"),
        *users::domain::Username::parse("bench"), std::string("Bench Mark"), "$argon2id$x",
        clock.now()));
    sid = Uuid::v7(clock.now(), random);
  }
  static Fixture& get() {
    static Fixture f;
    return f;
  }
};

std::vector<users::domain::Session> sessions(int n) {
  auto& f = Fixture::get();
  users::domain::SessionPolicy policy;
  std::vector<users::domain::Session> out;
  for (int i = 0; i < n; ++i) {
    out.push_back(users::domain::Session::open(
        Uuid::v7(f.clock.now(), f.random), f.random.bytes(32), f.clock.now(), policy,
        "Mozilla/5.0 (X11; Linux x86_64) bench", "203.0.113.7"));
  }
  return out;
}

void BM_AccessTokenSign(benchmark::State& state) {
  auto& f = Fixture::get();
  for (auto _ : state) {
    benchmark::DoNotOptimize(f.issuer->issue(*f.user, f.sid, f.clock.now()));
  }
}
BENCHMARK(BM_AccessTokenSign);

// The raw call on the same signing input authd signs.
void BM_RawEd25519Sign(benchmark::State& state) {
  auto& f = Fixture::get();
  const auto token = f.issuer->issue(*f.user, f.sid, f.clock.now()).token;
  const std::string input = token.substr(0, token.rfind('.'));
  unsigned char sig[crypto_sign_BYTES];
  for (auto _ : state) {
    crypto_sign_detached(sig, nullptr, reinterpret_cast<const unsigned char*>(input.data()),
                         input.size(), f.sk.data());
    benchmark::DoNotOptimize(sig);
  }
}
BENCHMARK(BM_RawEd25519Sign);

void BM_AccessTokenVerify(benchmark::State& state) {
  auto& f = Fixture::get();
  const auto token = f.issuer->issue(*f.user, f.sid, f.clock.now()).token;
  const auto now = f.clock.now();
  for (auto _ : state) {
    auto claims = f.issuer->verify(token, now);
    if (!claims) state.SkipWithError("verify failed");
    benchmark::DoNotOptimize(claims);
  }
}
BENCHMARK(BM_AccessTokenVerify);

// A token verified before (the bearer check of a client's next request): a keyed BLAKE2b
// digest, one lookup, the times checked again.
void BM_AccessTokenVerifyRemembered(benchmark::State& state) {
  auto& f = Fixture::get();
  const auto token = f.remembering->issue(*f.user, f.sid, f.clock.now()).token;
  const auto now = f.clock.now();
  if (!f.remembering->verify(token, now)) state.SkipWithError("verify failed");
  for (auto _ : state) {
    auto claims = f.remembering->verify(token, now);
    if (!claims) state.SkipWithError("verify failed");
    benchmark::DoNotOptimize(claims);
  }
}
BENCHMARK(BM_AccessTokenVerifyRemembered);

void BM_RawEd25519Verify(benchmark::State& state) {
  auto& f = Fixture::get();
  const auto token = f.issuer->issue(*f.user, f.sid, f.clock.now()).token;
  const auto dot = token.rfind('.');
  const std::string input = token.substr(0, dot);
  unsigned char sig[crypto_sign_BYTES];
  crypto_sign_detached(sig, nullptr, reinterpret_cast<const unsigned char*>(input.data()),
                       input.size(), f.sk.data());
  for (auto _ : state) {
    benchmark::DoNotOptimize(crypto_sign_verify_detached(
        sig, reinterpret_cast<const unsigned char*>(input.data()), input.size(), f.pk.data()));
  }
}
BENCHMARK(BM_RawEd25519Verify);

// The verifier library on its own, as a consuming service runs it: a warm key set, the same
// token as above (issue 15's target: within 1.2x of BM_RawEd25519Verify).
void BM_VerifierLibraryVerify(benchmark::State& state) {
  auto& f = Fixture::get();
  const auto token = f.issuer->issue(*f.user, f.sid, f.clock.now()).token;
  authd::verifier::PublicKey key;
  key.kid = f.issuer->activeKid();
  std::copy(f.pk.begin(), f.pk.end(), key.key.begin());
  const authd::verifier::StaticKeySet keys({key});
  const authd::verifier::Verifier verifier(keys, {"http://127.0.0.1:8080", "authd"});
  const auto now = toUnixSeconds(f.clock.now());
  for (auto _ : state) {
    auto result = verifier.verify(token, now);
    if (!result) state.SkipWithError(authd::verifier::describe(result.refusal));
    benchmark::DoNotOptimize(result);
  }
}
BENCHMARK(BM_VerifierLibraryVerify);

void BM_RefreshTokenEncode(benchmark::State& state) {
  auto& f = Fixture::get();
  auth::domain::RefreshToken t{f.user->id(), f.sid, 7, f.random.bytes(32)};
  for (auto _ : state) benchmark::DoNotOptimize(t.encode());
}
BENCHMARK(BM_RefreshTokenEncode);

void BM_RefreshTokenDecode(benchmark::State& state) {
  auto& f = Fixture::get();
  const auto text = auth::domain::RefreshToken{f.user->id(), f.sid, 7, f.random.bytes(32)}.encode();
  for (auto _ : state) benchmark::DoNotOptimize(auth::domain::RefreshToken::decode(text));
}
BENCHMARK(BM_RefreshTokenDecode);

void BM_SessionsToJson(benchmark::State& state) {
  const auto s = sessions(static_cast<int>(state.range(0)));
  for (auto _ : state) benchmark::DoNotOptimize(users::infrastructure::writeSessionsJson(s));
}
BENCHMARK(BM_SessionsToJson)->Arg(1)->Arg(10);

void BM_SessionsFromJson(benchmark::State& state) {
  const auto json =
      users::infrastructure::writeSessionsJson(sessions(static_cast<int>(state.range(0))));
  for (auto _ : state) benchmark::DoNotOptimize(users::infrastructure::readSessionsJson(json));
}
BENCHMARK(BM_SessionsFromJson)->Arg(1)->Arg(10);

void BM_UserJsonResponse(benchmark::State& state) {
  auto& f = Fixture::get();
  for (auto _ : state) benchmark::DoNotOptimize(users::presentation::userJson(*f.user).dump());
}
BENCHMARK(BM_UserJsonResponse);

unsigned long long envOr(const char* name, unsigned long long fallback) {
  const char* v = std::getenv(name);
  return v ? std::strtoull(v, nullptr, 10) : fallback;
}

void BM_Argon2idVerify(benchmark::State& state) {
  auth::infrastructure::SodiumPasswordHasher hasher(envOr("AUTH_ARGON2_OPSLIMIT", 2),
                                                    envOr("AUTH_ARGON2_MEMLIMIT", 64ULL << 20));
  const auto hash = hasher.hash("correct horse battery staple");
  for (auto _ : state)
    benchmark::DoNotOptimize(hasher.verify(hash, "correct horse battery staple"));
}
BENCHMARK(BM_Argon2idVerify)->Unit(benchmark::kMillisecond)->MinTime(2.0);

}  // namespace

BENCHMARK_MAIN();
