#include "features/auth/infrastructure/crypto/ed25519_access_token_issuer.hpp"

#include <sodium.h>

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
  auto set = std::make_shared<KeySet>();
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
  for (const auto& k : set->keys) {
    if (k.public_key.size() != crypto_sign_PUBLICKEYBYTES) {
      throw std::invalid_argument("signing key has the wrong size");
    }
    const nlohmann::json header = {{"alg", "EdDSA"}, {"typ", "at+jwt"}, {"kid", k.kid}};
    set->headers.emplace_back(base64UrlEncode(header.dump()), &k);
    if (&k == set->active) set->encoded_header = set->headers.back().first;
  }
  return set;
}

Ed25519AccessTokenIssuer::Ed25519AccessTokenIssuer(std::vector<SigningKey> keys,
                                                   AccessTokenConfig config, RandomSource& random)
    : set_(makeKeySet(std::move(keys))), config_(std::move(config)), random_(random) {}

void Ed25519AccessTokenIssuer::replaceKeys(std::vector<SigningKey> keys) {
  std::atomic_store(&set_, makeKeySet(std::move(keys)));
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
namespace {

tl::unexpected<Error> unauthorized(const char* why) { return fail(ErrorCode::Unauthorized, why); }

std::optional<nlohmann::json> jsonSegment(std::string_view segment) {
  auto bytes = base64UrlDecode(segment);
  if (!bytes) return std::nullopt;
  auto j = nlohmann::json::parse(bytes->begin(), bytes->end(), nullptr, false);
  if (j.is_discarded() || !j.is_object()) return std::nullopt;
  return j;
}

// A time claim as authd writes it: a JSON integer of Unix seconds that fits comfortably in
// int64 (so the leeway arithmetic cannot overflow). Anything else -- a float, a string, 1e50,
// which nlohmann would cast with undefined behaviour (found by the access_token fuzzer) --
// makes the token malformed.
std::optional<std::int64_t> numericDate(const nlohmann::json& claims, const char* name) {
  const auto it = claims.find(name);
  if (it == claims.end() || !it->is_number_integer()) return std::nullopt;
  constexpr std::int64_t kLimit = std::int64_t{1} << 40;  // about 34,000 years either way
  if (it->is_number_unsigned()) {
    const auto v = it->get<std::uint64_t>();
    if (v > static_cast<std::uint64_t>(kLimit)) return std::nullopt;
    return static_cast<std::int64_t>(v);
  }
  const auto v = it->get<std::int64_t>();
  if (v > kLimit || v < -kLimit) return std::nullopt;
  return v;
}

// True when `encoded` is the header authd writes ({"alg":"EdDSA","kid":...,"typ":"at+jwt"},
// byte for byte) for some kid: only such a header is worth a key reload.
bool hasOurHeaderShape(std::string_view encoded) {
  const auto header = jsonSegment(encoded);
  if (!header || header->size() != 3 || !header->contains("kid") ||
      !header->at("kid").is_string()) {
    return false;
  }
  const nlohmann::json expected = {{"alg", "EdDSA"}, {"typ", "at+jwt"}, {"kid", header->at("kid")}};
  return base64UrlEncode(expected.dump()) == encoded;
}

}  // namespace

const SigningKey* Ed25519AccessTokenIssuer::keyFor(const KeySet& set,
                                                   std::string_view encoded_header) {
  for (const auto& [encoded, k] : set.headers) {
    if (encoded_header == encoded) return k;
  }
  return nullptr;
}

Result<application::AccessClaims> Ed25519AccessTokenIssuer::verify(std::string_view token,
                                                                   Timestamp now) const {
  const auto d1 = token.find('.');
  const auto d2 = token.rfind('.');
  if (token.size() > 8192 || d1 == std::string_view::npos || d1 == d2 ||
      token.find('.', d1 + 1) != d2) {
    return unauthorized("The access token is malformed.");
  }
  // authd writes exactly one header per key, so the header segment must be one of those
  // byte for byte. That refuses alg "none", HS256 keyed with the public key, unknown kids and
  // every other header before any key is touched, without parsing JSON.
  const std::string_view header = token.substr(0, d1);
  auto set = current();
  const SigningKey* key = keyFor(*set, header);
  if (key == nullptr && refresher_ && hasOurHeaderShape(header)) {
    refresher_();
    set = current();
    key = keyFor(*set, header);
  }
  if (key == nullptr) return unauthorized("The access token is not an EdDSA token of ours.");
  const auto sig = base64UrlDecode(token.substr(d2 + 1));
  if (!sig || sig->size() != crypto_sign_BYTES ||
      crypto_sign_verify_detached(sig->data(), reinterpret_cast<const unsigned char*>(token.data()),
                                  d2, key->public_key.data()) != 0) {
    return unauthorized("The access token signature is invalid.");
  }
  const auto claims = jsonSegment(token.substr(d1 + 1, d2 - d1 - 1));
  if (!claims) return unauthorized("The access token is malformed.");
  try {
    application::AccessClaims out;
    out.issuer = claims->at("iss").get<std::string>();
    out.audience = claims->at("aud").get<std::string>();
    const auto iat = numericDate(*claims, "iat");
    const auto exp = numericDate(*claims, "exp");
    const auto nbf = numericDate(*claims, "nbf");
    if (!iat || !exp || !nbf) return unauthorized("The access token is malformed.");
    out.issued_at = *iat;
    out.expires_at = *exp;
    const auto sub = Uuid::parse(claims->at("sub").get<std::string>());
    const auto sid = Uuid::parse(claims->at("sid").get<std::string>());
    if (out.issuer != config_.issuer || out.audience != config_.audience) {
      return unauthorized("The access token is for another issuer or audience.");
    }
    const auto t = toUnixSeconds(now);
    if (t >= out.expires_at + config_.leeway.count() || t < *nbf - config_.leeway.count()) {
      return unauthorized("The access token has expired or is not valid yet.");
    }
    if (!sub || !sid) return unauthorized("The access token is malformed.");
    out.subject = *sub;
    out.session = *sid;
    for (const auto& r : claims->at("roles")) out.roles.push_back(r.get<std::string>());
    if (claims->contains("amr")) {
      for (const auto& m : claims->at("amr")) out.amr.push_back(m.get<std::string>());
    }
    return out;
  } catch (const nlohmann::json::exception&) {
    return unauthorized("The access token is malformed.");
  }
}

}  // namespace authd::auth::infrastructure
