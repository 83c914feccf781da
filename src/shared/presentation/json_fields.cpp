#include "shared/presentation/json_fields.hpp"

namespace authd::http {

std::optional<std::string> JsonFields::requiredString(const char* name) {
  auto it = j_.find(name);
  if (it == j_.end() || it->is_null()) {
    errors_.push_back({name, "required", std::string(name) + " is required."});
    return std::nullopt;
  }
  if (!it->is_string()) {
    errors_.push_back({name, "invalid_type", std::string(name) + " must be a string."});
    return std::nullopt;
  }
  return it->get<std::string>();
}

std::optional<std::string> JsonFields::optionalString(const char* name) {
  auto it = j_.find(name);
  if (it == j_.end() || it->is_null()) return std::nullopt;
  if (!it->is_string()) {
    errors_.push_back({name, "invalid_type", std::string(name) + " must be a string."});
    return std::nullopt;
  }
  return it->get<std::string>();
}

std::vector<std::string> JsonFields::badFields() const {
  std::vector<std::string> out;
  for (const auto& e : errors_) out.push_back(e.field);
  return out;
}

}  // namespace authd::http
