#include "shared/presentation/json_fields.hpp"

#include "shared/core/encoding.hpp"

namespace authd::http {

std::optional<std::string> JsonFields::string(const char* name, bool required, bool judge_bytes) {
  auto it = j_.find(name);
  if (it == j_.end() || it->is_null()) {
    if (required) errors_.push_back({name, "required", std::string(name) + " is required."});
    return std::nullopt;
  }
  if (!it->is_string()) {
    errors_.push_back({name, "invalid_type", std::string(name) + " must be a string."});
    return std::nullopt;
  }
  const auto& value = it->get_ref<const std::string&>();
  if (judge_bytes && !isCleanText(value)) {
    errors_.push_back({name, "invalid_format",
                       std::string(name) + " must be UTF-8 text without control characters."});
    return std::nullopt;
  }
  return value;
}

std::optional<std::string> JsonFields::requiredString(const char* name) {
  return string(name, true, true);
}

std::optional<std::string> JsonFields::optionalString(const char* name) {
  return string(name, false, true);
}

std::optional<std::string> JsonFields::requiredSecret(const char* name) {
  return string(name, true, false);
}

std::vector<std::string> JsonFields::badFields() const {
  std::vector<std::string> out;
  for (const auto& e : errors_) out.push_back(e.field);
  return out;
}

}  // namespace authd::http
