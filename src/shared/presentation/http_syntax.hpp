// RFC 9110 syntax checks shared by the request framer's head and body parsing (internal to
// shared/presentation).
#pragma once

#include <cctype>
#include <string_view>

namespace authd::http::syntax {

inline bool isTchar(unsigned char c) {
  if (std::isalnum(c)) return true;
  for (char t : std::string_view("!#$%&'*+-.^_`|~")) {
    if (c == static_cast<unsigned char>(t)) return true;
  }
  return false;
}

// token = 1*tchar
inline bool isToken(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!isTchar(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

// Optional whitespace (SP, HTAB) trimmed from both ends.
inline std::string_view trimOws(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// field-value: visible characters, SP, HTAB and obs-text; no other control (NUL, CR, LF, DEL).
inline bool isFieldValue(std::string_view v) {
  for (char c : v) {
    const auto u = static_cast<unsigned char>(c);
    if ((u < 0x20 && u != '\t') || u == 0x7F) return false;
  }
  return true;
}

// The methods some route answers (RouteTable registers all of them on every known path).
// HEAD is not one: its answer must have no body, which Pistache's router cannot know.
inline bool isServedMethod(std::string_view m) {
  return m == "GET" || m == "POST" || m == "PUT" || m == "PATCH" || m == "DELETE" || m == "OPTIONS";
}

}  // namespace authd::http::syntax
