#include "features/auth/infrastructure/crypto/ed25519_access_token_issuer.hpp"

#include <sodium.h>

#include <algorithm>
#include <atomic>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "shared/core/encoding.hpp"

namespace authd::auth::infrastructure {
namespace {

// Appends `s` as a JSON string literal (RFC 8259 escapes; other bytes pass through).
void jsonString(std::string& out, std::string_view s) {
  out.push_back('"');
  for (char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out.push_back(c);
        }
    }
  }
  out.push_back('"');
}

}  // namespace

std::shared_ptr<const Ed25519AccessTokenIssuer::KeySet> Ed25519AccessTokenIssuer::makeKeySet(
    std::vector<SigningKey> keys) {
  static std::atomic<std::uint64_t> generations{0};
  auto set = std::make_shared<KeySet>();
  set->generation = ++generations;
  set->keys = std::move(keys);
  for (const auto& k : set->keys) {
    if (!k.active) continue;
    if (set->active != nullptr) throw std::invalid_argument("more than one active signing key");
    if (!k.secret_key || k.secret_key->size() != crypto_sign_SECRETKEYBYTES ||
        k.public_key.size() != crypto_sign_PUBLICKEYBYTES) {
      throw std::invalid_argument("active signing key has the wrong size");
    }
    set->active = &k;
  }
  if (set->active == nullptr) throw std::invalid_argument("no active signing key");
  auto trusted = std::make_shared<authd::verifier::KeyMap>();
  for (const auto& k : set->keys) {
    if (k.public_key.size() != crypto_sign_PUBLICKEYBYTES) {
      throw std::invalid_argument("signing key has the wrong size");
    }
    authd::verifier::PublicKey pk;
    pk.kid = k.kid;
    std::copy(k.public_key.begin(), k.public_key.end(), pk.key.begin());
    trusted->emplace(k.kid, std::move(pk));
  }
  const nlohmann::json header = {{"alg", "EdDSA"}, {"typ", "at+jwt"}, {"kid", set->active->kid}};
  set->encoded_header = base64UrlEncode(header.dump());
  set->public_keys = std::move(trusted);
  return set;
}

Ed25519AccessTokenIssuer::Ed25519AccessTokenIssuer(std::vector<SigningKey> keys,
                                                   AccessTokenConfig config, RandomSource& random)
    : set_(makeKeySet(std::move(keys))),
      config_(std::move(config)),
      random_(random),
      verifier_(trusted_, {config_.issuer, config_.audience, config_.leeway}),
      // Straight from libsodium into guarded memory: no copy of the key is left behind.
      verified_(config_.verified_token_cache,
                makeSecret(32, [](unsigned char* out) { randombytes_buf(out, 32); })) {}

std::shared_ptr<const authd::verifier::KeyMap> Ed25519AccessTokenIssuer::TrustedKeys::current()
    const {
  return issuer_.current()->public_keys;
}

std::shared_ptr<const authd::verifier::KeyMap> Ed25519AccessTokenIssuer::TrustedKeys::refreshFor(
    std::string_view) const {
  if (!issuer_.refresher_) return nullptr;
  issuer_.refresher_();  // rate-limits itself; may replaceKeys()
  return issuer_.current()->public_keys;
}

namespace {

bool sameTrust(const authd::verifier::KeyMap& a, const authd::verifier::KeyMap& b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](const auto& x, const auto& y) {
           return x.first == y.first && x.second.key == y.second.key;
         });
}

}  // namespace

void Ed25519AccessTokenIssuer::replaceKeys(std::vector<SigningKey> keys) {
  auto next = makeKeySet(std::move(keys));
  // A reload that trusts exactly the same public keys keeps the generation, so the periodic
  // reload does not empty the token cache; any key added, removed or changed starts a new one.
  const auto now = current();
  if (sameTrust(*now->public_keys, *next->public_keys)) {
    std::const_pointer_cast<KeySet>(next)->generation = now->generation;
  }
  std::atomic_store(&set_, std::shared_ptr<const KeySet>(std::move(next)));
}

std::shared_ptr<const Ed25519AccessTokenIssuer::KeySet> Ed25519AccessTokenIssuer::current() const {
  return std::atomic_load(&set_);
}

std::string Ed25519AccessTokenIssuer::activeKid() const { return current()->active->kid; }

application::IssuedAccessToken Ed25519AccessTokenIssuer::issue(const users::domain::User& user,
                                                               const Uuid& session_id,
                                                               Timestamp now) {
  // The claims are written directly rather than through a JSON tree: signing is on every
  // login and refresh, and the tree's allocations cost about as much as Ed25519 itself
  // (bench/micro BM_AccessTokenSign). Strings go through jsonString(), which escapes.
  const auto iat = toUnixSeconds(now);
  std::string claims;
  claims.reserve(512);
  claims += "{\"iss\":";
  jsonString(claims, config_.issuer);
  claims += ",\"sub\":\"" + user.id().toString() + "\",\"aud\":";
  jsonString(claims, config_.audience);
  claims += ",\"iat\":" + std::to_string(iat) + ",\"nbf\":" + std::to_string(iat) +
            ",\"exp\":" + std::to_string(iat + config_.ttl.count()) + ",\"jti\":\"" +
            Uuid::v7(now, random_).toString() + "\",\"sid\":\"" + session_id.toString() +
            "\",\"roles\":[";
  bool first = true;
  for (const auto& r : user.roles()) {  // std::set: already sorted
    if (!first) claims.push_back(',');
    first = false;
    jsonString(claims, r);
  }
  claims += "],\"email\":";
  jsonString(claims, user.email());
  claims += ",\"email_verified\":";
  claims += user.state().email_verified ? "true" : "false";
  claims += ",\"username\":";
  jsonString(claims, user.username());
  // RFC 8176: how the session's login was authenticated; a refresh keeps it.
  const auto* session = user.findSession(session_id);
  claims +=
      session != nullptr && session->state().methods == users::domain::AuthMethods::PasswordAndOtp
          ? ",\"amr\":[\"pwd\",\"otp\"]"
          : ",\"amr\":[\"pwd\"]";
  claims.push_back('}');
  const auto set = current();
  std::string token = set->encoded_header;
  token.push_back('.');
  token += base64UrlEncode(claims);
  unsigned char sig[crypto_sign_BYTES];
  crypto_sign_detached(sig, nullptr, reinterpret_cast<const unsigned char*>(token.data()),
                       token.size(), set->active->secret_key->data());
  token.push_back('.');
  token += base64UrlEncode(sig, sizeof sig);
  return {std::move(token), config_.ttl};
}

std::vector<keys::domain::PublicSigningKey> Ed25519AccessTokenIssuer::publicKeys() const {
  std::vector<keys::domain::PublicSigningKey> out;
  for (const auto& k : current()->keys) out.push_back(keys::domain::publicPartOf(k));
  return out;
}

}  // namespace authd::auth::infrastructure

namespace authd::auth::infrastructure {

Result<application::AccessClaims> Ed25519AccessTokenIssuer::verify(std::string_view token,
                                                                   Timestamp now) const {
  const std::int64_t unix_now = toUnixSeconds(now);
  // Read before verifying: should the key set change meanwhile, the entry made below names the
  // older set and never answers.
  const std::uint64_t generation = current()->generation;
  if (auto hit = verified_.find(token);
      hit && hit->key_generation == generation &&
      verifier_.checkTimes(hit->claims.expires_at, hit->claims.not_before, unix_now) ==
          authd::verifier::Refusal::None) {
    return std::move(hit->claims);
  }
  // The verifier library is the one implementation (shared with the services that consume the
  // tokens); here its claims become the application's.
  const auto result = verifier_.verify(token, unix_now);
  if (!result) return fail(ErrorCode::Unauthorized, authd::verifier::describe(result.refusal));
  const auto& c = *result.claims;
  const auto sub = Uuid::parse(c.sub);
  const auto sid = Uuid::parse(c.sid);
  if (!sub || !sid) return fail(ErrorCode::Unauthorized, "The access token is malformed.");
  application::AccessClaims out;
  out.subject = *sub;
  out.session = *sid;
  out.issued_at = c.iat;
  out.expires_at = c.exp;
  out.issuer = c.iss;
  out.audience = c.aud;
  out.not_before = c.nbf;
  out.roles = c.roles;
  out.amr = c.amr;
  verified_.remember(token, {generation, out});
  return out;
}

}  // namespace authd::auth::infrastructure
