// libFuzzer target: refresh-token decoding. Any string may be refused; one that decodes must
// be exactly the canonical encoding of what it decoded to, so one token has one spelling.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "features/auth/domain/refresh_token.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto token = authd::auth::domain::RefreshToken::decode(text);
  if (token) {
    if (token->secret.size() != authd::auth::domain::kRefreshSecretSize) std::abort();
    if (token->encode() != text) std::abort();
  }
  return 0;
}
