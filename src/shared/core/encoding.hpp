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

// Length in bytes of the valid UTF-8 sequence at text[i] (i < text.size()), or 0 when it is
// invalid (truncated, overlong, a surrogate or past U+10FFFF). *cp receives the code point.
std::size_t utf8SequenceAt(std::string_view text, std::size_t i, std::uint32_t* cp);

// Number of Unicode code points in valid UTF-8 text; nullopt when the text is not valid UTF-8.
std::optional<std::size_t> utf8Length(std::string_view text);

// True when `text` holds a C0 control (NUL included), DEL or a C1 control (U+0080..U+009F).
// Bytes that are not valid UTF-8 are judged as bytes.
bool hasControlCharacters(std::string_view text);

// Valid UTF-8 without control characters: what may reach storage from a client field.
bool isCleanText(std::string_view text);

// `text` made safe to store: each invalid UTF-8 byte and each control character becomes
// U+FFFD, and the result is cut to at most `max_bytes` on a character boundary. For values the
// client controls but we must keep (User-Agent), where rejecting would lose the audit row.
std::string repairText(std::string_view text, std::size_t max_bytes);

}  // namespace authd
