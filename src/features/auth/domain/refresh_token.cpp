#include "features/auth/domain/refresh_token.hpp"

#include <stdexcept>

#include "shared/core/encoding.hpp"

namespace authd::auth::domain {
namespace {
constexpr std::uint8_t kVersion = 0x01;
constexpr std::size_t kSize = 1 + 16 + 16 + 4 + kRefreshSecretSize;
}  // namespace

std::string RefreshToken::encode() const {
  if (secret.size() != kRefreshSecretSize) {
    throw std::logic_error("refresh token secret has the wrong size");
  }
  Bytes raw;
  raw.reserve(kSize);
  raw.push_back(kVersion);
  raw.insert(raw.end(), user_id.octets().begin(), user_id.octets().end());
  raw.insert(raw.end(), session_id.octets().begin(), session_id.octets().end());
  for (int shift = 24; shift >= 0; shift -= 8) {
    raw.push_back(static_cast<std::uint8_t>(generation >> shift));
  }
  raw.insert(raw.end(), secret.begin(), secret.end());
  return base64UrlEncode(raw);
}

std::optional<RefreshToken> RefreshToken::decode(std::string_view text) {
  if (text.size() != (kSize * 4 + 2) / 3) {
    return std::nullopt;
  }
  const auto raw = base64UrlDecode(text);
  if (!raw || raw->size() != kSize || (*raw)[0] != kVersion) {
    return std::nullopt;
  }
  RefreshToken t;
  Uuid::Octets u{}, s{};
  std::copy(raw->begin() + 1, raw->begin() + 17, u.begin());
  std::copy(raw->begin() + 17, raw->begin() + 33, s.begin());
  t.user_id = Uuid(u);
  t.session_id = Uuid(s);
  t.generation = 0;
  for (std::size_t i = 33; i < 37; ++i) {
    t.generation = (t.generation << 8) | (*raw)[i];
  }
  t.secret.assign(raw->begin() + 37, raw->end());
  return t;
}

}  // namespace authd::auth::domain
