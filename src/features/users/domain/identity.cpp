#include "features/users/domain/identity.hpp"

#include <unicase.h>
#include <uninorm.h>
#include <unistr.h>

#include <cstdlib>
#include <memory>

#include "shared/core/encoding.hpp"

namespace authd::users::domain {
namespace {

bool isSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && isSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && isSpace(s.back())) s.remove_suffix(1);
  return s;
}

tl::unexpected<Error> bad(std::string_view field, const char* code, std::string message) {
  return validationFailed({FieldError{std::string(field), code, std::move(message)}});
}

std::string asciiLower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

}  // namespace

std::string normaliseIdentifier(std::string_view raw) {
  const std::string_view text = trim(raw);
  const auto* bytes = reinterpret_cast<const std::uint8_t*>(text.data());
  // libunistring would replace invalid UTF-8 with U+FFFD and so make it look valid: such input
  // keeps its bytes (ASCII lower-cased) and is refused by the checks that follow.
  if (u8_check(bytes, text.size()) != nullptr) return asciiLower(text);
  // Full Unicode lower-case mapping, then NFC, with no language's special rules: one spelling
  // of an address whatever the client's keyboard or the database's locale. libunistring, not
  // PostgreSQL's lower(), which follows the database's locale and disagreed with ours.
  std::size_t length = 0;
  std::unique_ptr<std::uint8_t, decltype(&std::free)> folded(
      u8_tolower(bytes, text.size(), nullptr, UNINORM_NFC, nullptr, &length), &std::free);
  if (!folded) return asciiLower(text);  // out of memory: still a usable, stable key
  return std::string(reinterpret_cast<const char*>(folded.get()), length);
}

Result<Email> Email::parse(std::string_view raw, std::string_view field) {
  std::string v = normaliseIdentifier(raw);
  if (v.empty()) return bad(field, "required", "Email must not be empty.");
  if (v.size() > 254) return bad(field, "too_long", "Email must be at most 254 characters.");
  const auto at = v.find('@');
  if (at == std::string::npos || v.find('@', at + 1) != std::string::npos || at == 0) {
    return bad(field, "invalid_format", "Email must have one @ and a non-empty local part.");
  }
  for (char c : v) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7F) {
      return bad(field, "invalid_format", "Email must not contain spaces or control characters.");
    }
  }
  if (!utf8Length(v)) return bad(field, "invalid_format", "Email must be valid UTF-8.");
  const std::string_view domain = std::string_view(v).substr(at + 1);
  const auto dot = domain.find('.');
  bool labels_ok = dot != std::string_view::npos && domain.front() != '.' && domain.back() != '.' &&
                   domain.find("..") == std::string_view::npos;
  if (!labels_ok) {
    return bad(field, "invalid_format",
               "Email domain must contain a dot between non-empty labels.");
  }
  return Email(std::move(v));
}

Result<Username> Username::parse(std::string_view raw, std::string_view field) {
  // ASCII only: a Unicode lower-casing would let U+212A KELVIN SIGN through as "k".
  std::string v = asciiLower(trim(raw));
  if (v.size() < 3) return bad(field, "too_short", "Username must be at least 3 characters.");
  if (v.size() > 32) return bad(field, "too_long", "Username must be at most 32 characters.");
  for (char c : v) {
    const bool allowed =
        (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
    if (!allowed) {
      return bad(field, "invalid_format", "Username may contain only a-z, 0-9, '_', '.' and '-'.");
    }
  }
  return Username(std::move(v));
}

Result<std::optional<std::string>> parseDisplayName(std::string_view raw, std::string_view field) {
  const std::string_view v = trim(raw);
  const auto len = utf8Length(v);
  if (!len) return bad(field, "invalid_format", "Display name must be valid UTF-8.");
  if (*len > 64) return bad(field, "too_long", "Display name must be at most 64 characters.");
  if (hasControlCharacters(v)) {
    return bad(field, "invalid_format", "Display name must not contain control characters.");
  }
  if (v.empty()) return std::optional<std::string>();
  return std::optional<std::string>(std::string(v));
}

bool isValidRoleName(std::string_view name) {
  if (name.empty() || name.size() > 32 || !(name[0] >= 'a' && name[0] <= 'z')) return false;
  for (char c : name) {
    const bool allowed =
        (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
    if (!allowed) return false;
  }
  return true;
}

}  // namespace authd::users::domain
