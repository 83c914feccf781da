#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "shared/core/result.hpp"

namespace authd::http {

// Reads typed fields from a request object, collecting `required`, `invalid_type` and
// `invalid_format` errors for every bad field instead of stopping at the first. Unknown fields
// are ignored. Strings must be valid UTF-8 without NUL or other control characters
// (invalid_format otherwise), so no such byte reaches a use case or the database; form bodies
// (jsonOrFormBody) can carry any byte, JSON bodies any code point.
class JsonFields {
 public:
  explicit JsonFields(const nlohmann::json& object) : j_(object) {}

  // A string that must be present (null counts as missing).
  std::optional<std::string> requiredString(const char* name);
  // A string that may be absent; present-but-null yields nullopt as well (see isNull()).
  std::optional<std::string> optionalString(const char* name);
  // A password: present and a string, but its bytes are never judged. Passwords are only ever
  // hashed or compared, never stored raw, and a login compares them exactly as given.
  std::optional<std::string> requiredSecret(const char* name);
  bool present(const char* name) const { return j_.contains(name); }
  bool isNull(const char* name) const { return j_.contains(name) && j_.at(name).is_null(); }

  const std::vector<FieldError>& errors() const { return errors_; }
  std::vector<std::string> badFields() const;

 private:
  std::optional<std::string> string(const char* name, bool required, bool judge_bytes);

  const nlohmann::json& j_;
  std::vector<FieldError> errors_;
};

}  // namespace authd::http
