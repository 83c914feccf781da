#include "authd_verifier/verifier.hpp"

#include <sodium.h>

#include <algorithm>
#include <cctype>
#include <mutex>
#include <stdexcept>

#include <nlohmann/json.hpp>

namespace authd::verifier {
namespace {

using nlohmann::json;

void initSodium() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
  });
}

int base64UrlValue(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '-') return 62;
  if (c == '_') return 63;
  return -1;
}

// A segment that decodes to a JSON object; nullopt for anything else.
std::optional<json> jsonObject(std::string_view segment) {
  const auto bytes = base64UrlDecode(segment);
  if (!bytes) return std::nullopt;
  json j = json::parse(*bytes, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return std::nullopt;
  return j;
}

// A NumericDate as authd writes it: a JSON integer small enough that the leeway arithmetic
// cannot overflow (a float, a string or 1e50 is malformed).
std::optional<std::int64_t> numericDate(const json& claims, const char* name) {
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

// An optional string claim: absent is "", present must be a string.
bool stringClaim(const json& claims, const char* name, std::string& out, bool required) {
  const auto it = claims.find(name);
  if (it == claims.end()) return !required;
  if (!it->is_string()) return false;
  out = it->get<std::string>();
  return true;
}

bool stringList(const json& claims, const char* name, std::vector<std::string>& out) {
  const auto it = claims.find(name);
  if (it == claims.end()) return true;
  if (!it->is_array()) return false;
  for (const auto& v : *it) {
    if (!v.is_string()) return false;
    out.push_back(v.get<std::string>());
  }
  return true;
}

bool typIsAccessToken(const std::string& typ) {
  std::string lower(typ);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return lower == "at+jwt" || lower == "application/at+jwt";  // RFC 9068
}

Result refuse(Refusal r) { return Result{std::nullopt, r}; }

struct Parts {
  std::string_view header, payload, signature, signing_input;
};

std::optional<Parts> split(std::string_view token) {
  const auto d1 = token.find('.');
  if (d1 == std::string_view::npos) return std::nullopt;
  const auto d2 = token.find('.', d1 + 1);
  if (d2 == std::string_view::npos || token.find('.', d2 + 1) != std::string_view::npos) {
    return std::nullopt;
  }
  return Parts{token.substr(0, d1), token.substr(d1 + 1, d2 - d1 - 1), token.substr(d2 + 1),
               token.substr(0, d2)};
}

bool signatureVerifies(const Parts& parts, const std::array<std::uint8_t, 32>& key) {
  const auto sig = base64UrlDecode(parts.signature);
  if (!sig || sig->size() != crypto_sign_BYTES) return false;
  return crypto_sign_verify_detached(reinterpret_cast<const unsigned char*>(sig->data()),
                                     reinterpret_cast<const unsigned char*>(
                                         parts.signing_input.data()),
                                     parts.signing_input.size(), key.data()) == 0;
}

}  // namespace

std::optional<std::string> base64UrlDecode(std::string_view text) {
  if (text.size() % 4 == 1) return std::nullopt;
  std::string out;
  out.reserve(text.size() * 3 / 4);
  std::uint32_t buffer = 0;
  int bits = 0;
  for (char c : text) {
    const int v = base64UrlValue(c);
    if (v < 0) return std::nullopt;
    buffer = (buffer << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buffer >> bits) & 0xFF));
    }
  }
  // Leftover bits must be zero: one text per byte string (no malleable encodings).
  if (bits > 0 && (buffer & ((1u << bits) - 1)) != 0) return std::nullopt;
  return out;
}

StaticKeySet::StaticKeySet(std::vector<PublicKey> keys) {
  auto map = std::make_shared<KeyMap>();
  for (auto& k : keys) map->emplace(k.kid, std::move(k));
  keys_ = std::move(map);
}

bool Claims::hasRole(std::string_view role) const {
  return std::find(roles.begin(), roles.end(), role) != roles.end();
}

const char* describe(Refusal refusal) {
  switch (refusal) {
    case Refusal::None:
      return "accepted";
    case Refusal::Malformed:
      return "the token is malformed";
    case Refusal::UnsupportedAlg:
      return "the token is not signed with EdDSA";
    case Refusal::WrongType:
      return "the token is not an access token (typ at+jwt)";
    case Refusal::UnknownKey:
      return "the token's key is not trusted";
    case Refusal::BadSignature:
      return "the token's signature is invalid";
    case Refusal::WrongIssuer:
      return "the token is from another issuer";
    case Refusal::WrongAudience:
      return "the token is for another audience";
    case Refusal::Expired:
      return "the token has expired";
    case Refusal::NotYetValid:
      return "the token is not valid yet";
  }
  return "refused";
}

bool verifyEd25519Jws(std::string_view compact, const std::array<std::uint8_t, 32>& key) {
  initSodium();
  const auto parts = split(compact);
  if (!parts) return false;
  const auto header = jsonObject(parts->header);
  if (!header || header->value("alg", json()) != "EdDSA") return false;
  return signatureVerifies(*parts, key);
}

Verifier::Verifier(const KeySet& keys, Options options) : keys_(keys), options_(std::move(options)) {
  if (options_.issuer.empty() || options_.audience.empty()) {
    throw std::invalid_argument("a Verifier needs the issuer and the audience");
  }
  initSodium();
}

Result Verifier::verify(std::string_view token) const {
  const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  return verify(token, now);
}

Refusal Verifier::checkTimes(std::int64_t exp, std::int64_t nbf, std::int64_t now) const {
  const std::int64_t leeway = options_.leeway.count();
  if (now >= exp + leeway) return Refusal::Expired;
  if (now < nbf - leeway) return Refusal::NotYetValid;
  return Refusal::None;
}

Result Verifier::verify(std::string_view token, std::int64_t now) const {
  if (token.size() > options_.max_token_bytes) return refuse(Refusal::Malformed);
  const auto parts = split(token);
  if (!parts) return refuse(Refusal::Malformed);
  // Every token of one key carries the same header: the last header this thread accepted is
  // remembered with its kid, and parsing its JSON again is skipped (a fifth of a verification).
  thread_local std::string accepted_header;
  thread_local std::string accepted_kid;
  std::string kid_text;
  if (!accepted_header.empty() && parts->header == accepted_header) {
    kid_text = accepted_kid;
  } else {
    const auto header = jsonObject(parts->header);
    if (!header) return refuse(Refusal::Malformed);
    // The header must be exactly what authd writes: alg, typ and kid, nothing else (no crit,
    // no jku or x5u pointing elsewhere, no embedded jwk).
    const auto alg = header->find("alg");
    if (alg == header->end() || *alg != "EdDSA" || header->contains("crit")) {
      return refuse(Refusal::UnsupportedAlg);
    }
    const auto typ = header->find("typ");
    if (typ == header->end() || !typ->is_string() || !typIsAccessToken(typ->get<std::string>())) {
      return refuse(Refusal::WrongType);
    }
    const auto kid = header->find("kid");
    if (kid == header->end() || !kid->is_string() || header->size() != 3) {
      return refuse(Refusal::Malformed);
    }
    kid_text = kid->get<std::string>();
    accepted_header.assign(parts->header);
    accepted_kid = kid_text;
  }
  auto keys = keys_.current();
  auto key = keys->find(kid_text);
  if (key == keys->end()) {
    keys = keys_.refreshFor(kid_text);
    if (!keys) return refuse(Refusal::UnknownKey);
    key = keys->find(kid_text);
    if (key == keys->end()) return refuse(Refusal::UnknownKey);
  }
  if (!signatureVerifies(*parts, key->second.key)) return refuse(Refusal::BadSignature);

  const auto payload = jsonObject(parts->payload);
  if (!payload) return refuse(Refusal::Malformed);
  Claims c;
  if (!stringClaim(*payload, "iss", c.iss, true)) return refuse(Refusal::Malformed);
  if (c.iss != options_.issuer) return refuse(Refusal::WrongIssuer);
  const auto aud = payload->find("aud");
  if (aud == payload->end()) return refuse(Refusal::WrongAudience);
  if (aud->is_string()) {
    c.aud = aud->get<std::string>();
    if (c.aud != options_.audience) return refuse(Refusal::WrongAudience);
  } else if (aud->is_array()) {
    if (std::find(aud->begin(), aud->end(), options_.audience) == aud->end()) {
      return refuse(Refusal::WrongAudience);
    }
    c.aud = options_.audience;
  } else {
    return refuse(Refusal::Malformed);
  }
  const auto exp = numericDate(*payload, "exp");
  const auto nbf = numericDate(*payload, "nbf");
  const auto iat = numericDate(*payload, "iat");
  if (!exp || !nbf || !iat) return refuse(Refusal::Malformed);
  c.exp = *exp;
  c.nbf = *nbf;
  c.iat = *iat;
  if (const auto times = checkTimes(c.exp, c.nbf, now); times != Refusal::None) {
    return refuse(times);
  }
  if (!stringClaim(*payload, "sub", c.sub, true) || c.sub.empty() ||
      !stringClaim(*payload, "sid", c.sid, true) || !stringClaim(*payload, "jti", c.jti, false) ||
      !stringClaim(*payload, "email", c.email, false) ||
      !stringClaim(*payload, "username", c.username, false) ||
      !stringList(*payload, "roles", c.roles) || !stringList(*payload, "amr", c.amr)) {
    return refuse(Refusal::Malformed);
  }
  if (const auto ev = payload->find("email_verified"); ev != payload->end()) {
    if (!ev->is_boolean()) return refuse(Refusal::Malformed);
    c.email_verified = ev->get<bool>();
  }
  return Result{std::move(c), Refusal::None};
}

std::optional<std::vector<PublicKey>> parseJwks(std::string_view document) {
  const json j = json::parse(document, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object() || !j.contains("keys") || !j.at("keys").is_array()) {
    return std::nullopt;
  }
  std::vector<PublicKey> out;
  for (const auto& k : j.at("keys")) {
    if (!k.is_object() || k.value("kty", json()) != "OKP" || k.value("crv", json()) != "Ed25519" ||
        !k.contains("kid") || !k.at("kid").is_string() || !k.contains("x") ||
        !k.at("x").is_string()) {
      continue;
    }
    if (k.contains("use") && k.at("use") != "sig") continue;
    if (k.contains("alg") && k.at("alg") != "EdDSA") continue;
    const auto x = base64UrlDecode(k.at("x").get<std::string>());
    if (!x || x->size() != 32) continue;
    PublicKey key;
    key.kid = k.at("kid").get<std::string>();
    std::copy(x->begin(), x->end(), key.key.begin());
    out.push_back(std::move(key));
  }
  return out;
}

}  // namespace authd::verifier
