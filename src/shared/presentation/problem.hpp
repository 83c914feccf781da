#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "shared/core/result.hpp"

namespace authd::http {

// The contract's error table in one place: ErrorCode -> HTTP status and title.
int statusFor(ErrorCode code);
const char* titleFor(ErrorCode code);

// RFC 9457 problem document for `error` (adds "errors" for ValidationFailed).
nlohmann::json problemJson(const Error& error);

}  // namespace authd::http
