#include "features/auth/domain/mfa.hpp"

#include <cctype>

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
