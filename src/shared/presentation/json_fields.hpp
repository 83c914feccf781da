#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "shared/core/result.hpp"

namespace authd::http {

// Reads typed fields from a request object, collecting `required` and `invalid_type` errors
// for every bad field instead of stopping at the first. Unknown fields are ignored.
class JsonFields {
 public:
  explicit JsonFields(const nlohmann::json& object) : j_(object) {}

  // A string that must be present (null counts as missing).
  std::optional<std::string> requiredString(const char* name);
  // A string that may be absent; present-but-null yields nullopt as well (see nullable()).
  std::optional<std::string> optionalString(const char* name);
  bool present(const char* name) const { return j_.contains(name); }
  bool isNull(const char* name) const { return j_.contains(name) && j_.at(name).is_null(); }

  const std::vector<FieldError>& errors() const { return errors_; }
  std::vector<std::string> badFields() const;

 private:
  const nlohmann::json& j_;
  std::vector<FieldError> errors_;
};

}  // namespace authd::http
