// Byte encodings needed by the domain (refresh-token format) and the edges. Written here
// because the domain and application layers must not depend on libsodium, whose
// sodium_bin2base64 would otherwise do the same.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "shared/core/random_source.hpp"

namespace authd {

// RFC 4648 section 5 alphabet, without padding.
std::string base64UrlEncode(const std::uint8_t* data, std::size_t size);
inline std::string base64UrlEncode(const Bytes& b) { return base64UrlEncode(b.data(), b.size()); }
inline std::string base64UrlEncode(std::string_view s) {
  return base64UrlEncode(reinterpret_cast<const std::uint8_t*>(s.data()), s.size());
}
// Strict: rejects padding, characters outside the alphabet and non-canonical trailing bits.
std::optional<Bytes> base64UrlDecode(std::string_view text);

std::string hexEncode(const Bytes& b);
// 0-15 for a hexadecimal digit of either case, -1 otherwise.
int hexDigitValue(char c);

// Compares two byte strings in time that depends only on their lengths (sodium_memcmp, in
// constant_time.cpp). Used for secrets and digests of secrets so a mismatch position never
// leaks through timing.
bool constantTimeEqual(const Bytes& a, const Bytes& b);

// Number of Unicode code points in valid UTF-8 text; nullopt when the text is not valid UTF-8.
std::optional<std::size_t> utf8Length(std::string_view text);

}  // namespace authd
