#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "shared/core/random_source.hpp"
#include "shared/core/uuid.hpp"

namespace authd::auth::domain {

inline constexpr std::size_t kRefreshSecretSize = 32;  // 256 bits of secret entropy

// The opaque refresh token handed to clients: base64url (no padding) of
//   version (1 byte, 0x01) | user id (16) | session id (16) | generation (4, big-endian) | secret
//   (32)
// The ids let the server find the session with one primary-key read; only the secret is
// secret, and the server stores just a keyed digest of it.
struct RefreshToken {
  Uuid user_id;
  Uuid session_id;
  std::uint32_t generation = 0;
  Bytes secret;  // kRefreshSecretSize bytes

  std::string encode() const;
  // nullopt for anything that is not exactly this format.
  static std::optional<RefreshToken> decode(std::string_view text);
};

}  // namespace authd::auth::domain
