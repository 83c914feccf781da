#include "features/auth/domain/mfa.hpp"

#include <cctype>

#include "features/auth/domain/totp.hpp"
#include "shared/core/encoding.hpp"

namespace authd::auth::domain {
namespace {

constexpr char kBase32[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

}  // namespace

std::string base32Encode(const Bytes& bytes) {
  std::string out;
  unsigned buffer = 0;
  int bits = 0;
  for (std::uint8_t b : bytes) {
    buffer = (buffer << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out.push_back(kBase32[(buffer >> (bits - 5)) & 31]);
      bits -= 5;
    }
  }
  if (bits > 0) out.push_back(kBase32[(buffer << (5 - bits)) & 31]);
  return out;
}

std::string newRecoveryCode(RandomSource& random) {
  const Bytes raw = random.bytes(kRecoveryCodeLength);  // one byte per character, 5 bits used
  std::string code;
  for (std::size_t i = 0; i < kRecoveryCodeLength; ++i) {
    if (i == kRecoveryCodeLength / 2) code.push_back('-');
    code.push_back(static_cast<char>(std::tolower(kBase32[raw[i] & 31])));
  }
  return code;
}

std::optional<std::string> canonicalRecoveryCode(std::string_view typed) {
  std::string out;
  for (char c : typed) {
    if (c == '-' || c == ' ') continue;
    const char lower = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    const bool letter = lower >= 'a' && lower <= 'z';
    const bool digit = lower >= '2' && lower <= '7';
    if (!letter && !digit) return std::nullopt;
    if (out.size() == kRecoveryCodeLength) return std::nullopt;
    out.push_back(lower);
  }
  if (out.size() != kRecoveryCodeLength) return std::nullopt;
  return out;
}

std::string percentEncode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    const bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                            (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~';
    if (unreserved) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

std::string otpauthUri(std::string_view issuer, std::string_view account,
                       std::string_view base32_secret) {
  // The label's colon separates issuer and account, so it stays literal; each side is encoded.
  return "otpauth://totp/" + percentEncode(issuer) + ":" + percentEncode(account) +
         "?secret=" + std::string(base32_secret) + "&issuer=" + percentEncode(issuer) +
         "&algorithm=SHA1&digits=" + std::to_string(kTotpDigits) +
         "&period=" + std::to_string(kTotpPeriodSeconds);
}

MfaChallenge MfaChallenge::issue(Uuid id, Uuid user_id, Bytes digest, Bytes password_fingerprint,
                                 Timestamp now) {
  MfaChallenge c;
  c.id = id;
  c.user_id = user_id;
  c.digest = std::move(digest);
  c.password_fingerprint = std::move(password_fingerprint);
  c.created_at = now;
  c.expires_at = now + kMfaChallengeTtl;
  return c;
}

Mfa Mfa::begin(Uuid user_id, std::string sealed_secret, Timestamp now) {
  State s;
  s.user_id = user_id;
  s.status = MfaStatus::Pending;
  s.sealed_secret = std::move(sealed_secret);
  s.created_at = now;
  s.updated_at = now;
  return Mfa(std::move(s));
}

void Mfa::acceptStep(std::int64_t step, Timestamp now) {
  if (!state_.last_step || step > *state_.last_step) state_.last_step = step;
  state_.updated_at = now;
}

bool Mfa::enable(std::vector<Bytes> recovery_digests, Timestamp now) {
  if (state_.status != MfaStatus::Pending) return false;
  state_.status = MfaStatus::Enabled;
  state_.recovery_digests = std::move(recovery_digests);
  state_.updated_at = now;
  return true;
}

bool Mfa::useRecoveryCode(const Bytes& digest, Timestamp now) {
  if (state_.status != MfaStatus::Enabled) return false;
  std::optional<std::size_t> found;
  for (std::size_t i = 0; i < state_.recovery_digests.size(); ++i) {
    if (constantTimeEqual(state_.recovery_digests[i], digest) && !found) found = i;
  }
  if (!found) return false;
  state_.recovery_digests.erase(state_.recovery_digests.begin() +
                                static_cast<std::ptrdiff_t>(*found));
  state_.updated_at = now;
  return true;
}

bool Mfa::replaceRecoveryCodes(std::vector<Bytes> recovery_digests, Timestamp now) {
  if (state_.status != MfaStatus::Enabled) return false;
  state_.recovery_digests = std::move(recovery_digests);
  state_.updated_at = now;
  return true;
}

}  // namespace authd::auth::domain
