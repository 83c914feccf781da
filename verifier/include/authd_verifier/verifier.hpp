// authd_verifier: checks authd's access tokens (EdDSA compact JWS, RFC 7515/8037) offline,
// against a key set. The one implementation of access-token verification: authd uses it with a
// key set fed from its database, consuming services with one fed from authd's JWKS
// (authd_verifier/jwks.hpp).
//
//   authd::verifier::JwksKeySet keys({"https://auth.example.com/.well-known/jwks.json"});
//   authd::verifier::Verifier verifier(keys, {"https://auth.example.com", "my-service"});
//   auto result = verifier.verify(token);   // the clock is a parameter: verify(token, unix)
//   if (result) use(result.claims->sub); else log(describe(result.refusal));
//
// Thread-safe: a Verifier holds no mutable state; key sets swap immutable snapshots.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace authd::verifier {

// An Ed25519 public key and the kid tokens name it by.
struct PublicKey {
  std::string kid;
  std::array<std::uint8_t, 32> key{};
};

// What a key set holds at one moment: kid -> key. Immutable once published.
using KeyMap = std::map<std::string, PublicKey, std::less<>>;

// Where the verifier finds keys. Implementations must be thread-safe.
class KeySet {
 public:
  virtual ~KeySet() = default;
  // The keys trusted now (never null; may be empty).
  virtual std::shared_ptr<const KeyMap> current() const = 0;
  // A token named `kid`, which `current()` lacks: the set may look again (a JWKS refetch, a
  // database reload) and answer the newer keys, or null to refuse. Called on the verifying
  // thread; implementations bound how often they look.
  virtual std::shared_ptr<const KeyMap> refreshFor(std::string_view kid) const {
    (void)kid;
    return nullptr;
  }
};

// A fixed set of keys (tests, or a service that pins authd's keys).
class StaticKeySet final : public KeySet {
 public:
  explicit StaticKeySet(std::vector<PublicKey> keys);
  std::shared_ptr<const KeyMap> current() const override { return keys_; }

 private:
  std::shared_ptr<const KeyMap> keys_;
};

// The claims of an accepted token (contract, "Tokens").
struct Claims {
  std::string iss;
  std::string sub;  // the user id
  std::string aud;
  std::string sid;  // the session id
  std::string jti;
  std::int64_t iat = 0;
  std::int64_t nbf = 0;
  std::int64_t exp = 0;
  std::vector<std::string> roles;
  std::string email;
  bool email_verified = false;
  std::string username;
  std::vector<std::string> amr;  // RFC 8176: ["pwd"] or ["pwd", "otp"]

  bool hasRole(std::string_view role) const;
};

// Why a token was refused. Every refusal is final: a caller answers 401 and moves on.
enum class Refusal {
  None,
  Malformed,         // not three base64url segments of JSON objects, too long, bad claim types
  UnsupportedAlg,    // alg other than EdDSA (none, HS256, RS256, ...), or a crit header
  WrongType,         // typ other than at+jwt
  UnknownKey,        // no trusted key has the kid
  BadSignature,      // the Ed25519 signature does not verify
  WrongIssuer,       // iss differs
  WrongAudience,     // aud differs (or, as an array, lacks ours)
  Expired,           // now >= exp + leeway
  NotYetValid,       // now < nbf - leeway
};
const char* describe(Refusal refusal);

struct Result {
  std::optional<Claims> claims;
  Refusal refusal = Refusal::None;
  explicit operator bool() const { return claims.has_value(); }
};

struct Options {
  std::string issuer;    // required: the iss authd writes (AUTH_ISSUER)
  std::string audience;  // required: the aud (AUTH_AUDIENCE)
  std::chrono::seconds leeway{30};
  std::size_t max_token_bytes = 8192;
};

class Verifier {
 public:
  // The key set must outlive the verifier (a temporary would not).
  Verifier(const KeySet& keys, Options options);
  Verifier(KeySet&&, Options) = delete;
  // At the current system time.
  Result verify(std::string_view token) const;
  // At `now_unix` (seconds since the epoch): the clock as a parameter.
  Result verify(std::string_view token, std::int64_t now_unix) const;
  // The time rule verify() applies, alone, for claims verified earlier and checked again:
  // Expired, NotYetValid or None, under this verifier's leeway.
  Refusal checkTimes(std::int64_t exp, std::int64_t nbf, std::int64_t now_unix) const;

 private:
  const KeySet& keys_;
  Options options_;
};

// The JWS layer alone (RFC 7515 compact serialisation, RFC 8037 EdDSA): true when `compact` is
// three segments whose header says alg EdDSA and whose signature verifies with `key`. No claim
// is looked at.
bool verifyEd25519Jws(std::string_view compact, const std::array<std::uint8_t, 32>& key);

// RFC 4648 base64url without padding; nullopt for anything else.
std::optional<std::string> base64UrlDecode(std::string_view text);

// Parses a JWKS document ({"keys": [...]}) into keys: OKP/Ed25519 keys with a kid and a 32-byte
// x are kept (and "use", when present, must be "sig"); every other key is skipped. nullopt when
// the document is not a JWKS at all.
std::optional<std::vector<PublicKey>> parseJwks(std::string_view document);

}  // namespace authd::verifier
