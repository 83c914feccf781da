// Value objects of a user's identity. Each parse() normalises the raw input as the HTTP
// contract says and returns ValidationFailed with one FieldError naming the field otherwise.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "shared/core/result.hpp"

namespace authd::users::domain {

// Trimmed, lower-cased and in NFC (normaliseIdentifier), at most 254 bytes, one '@', a non-empty
// local part and a dotted domain, no whitespace or control characters.
class Email {
 public:
  static Result<Email> parse(std::string_view raw, std::string_view field = "email");
  // Trusted construction from storage (already normalised).
  static Email fromStorage(std::string value) { return Email(std::move(value)); }
  const std::string& value() const { return value_; }
  friend bool operator==(const Email& a, const Email& b) { return a.value_ == b.value_; }

 private:
  explicit Email(std::string v) : value_(std::move(v)) {}
  std::string value_;
};

// 3 to 32 characters of a-z 0-9 _ . - after lowercasing.
class Username {
 public:
  static Result<Username> parse(std::string_view raw, std::string_view field = "username");
  static Username fromStorage(std::string value) { return Username(std::move(value)); }
  const std::string& value() const { return value_; }
  friend bool operator==(const Username& a, const Username& b) { return a.value_ == b.value_; }

 private:
  explicit Username(std::string v) : value_(std::move(v)) {}
  std::string value_;
};

// Optional display name: trimmed, at most 64 code points, no control characters. An empty
// string after trimming means "no display name" (nullopt).
Result<std::optional<std::string>> parseDisplayName(std::string_view raw,
                                                    std::string_view field = "display_name");

// Role names: 1 to 32 characters of a-z 0-9 _ . -, starting with a letter.
bool isValidRoleName(std::string_view name);

// Trims ASCII whitespace, lower-cases (full Unicode mapping, no language's special rules) and
// normalises to NFC (libunistring). Invalid UTF-8 is only ASCII lower-cased, so that the
// checks that follow still see it and refuse it.
std::string normaliseIdentifier(std::string_view raw);

}  // namespace authd::users::domain
