// Result<T>: a value or an Error. Expected failures (wrong password, taken email, reused
// refresh token, validation) travel as values; exceptions are for broken invariants and
// infrastructure faults only. tl::expected has the C++23 std::expected API, so switching
// later is one alias.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <tl/expected.hpp>

namespace authd {

// Mirrors the `code` values of the HTTP contract, plus internal ones the edge maps to 500/503.
enum class ErrorCode {
  InvalidJson,
  BadRequest,      // malformed request line or headers (the HTTP layer)
  RequestTimeout,  // head or body not received in time (the HTTP layer)
  HeadersTooLarge,
  InvalidCredentials,
  Unauthorized,
  RefreshTokenInvalid,
  RefreshTokenReused,
  TokenInvalid,
  MfaRequired,      // right password, MFA on: Error::mfa_token carries the second step
  MfaCodeInvalid,   // wrong, replayed or unknown TOTP or recovery code
  MfaTokenInvalid,  // unknown, used, expired or exhausted mfa_token
  Forbidden,
  NotFound,
  MethodNotAllowed,
  EmailTaken,
  UsernameTaken,
  MfaAlreadyEnabled,
  MfaNotEnabled,
  MfaEnrolmentMissing,
  PayloadTooLarge,
  UnsupportedMediaType,
  ValidationFailed,
  RateLimited,
  Conflict,     // internal: optimistic version check lost; the use case retries
  Unavailable,  // database unreachable
  Internal,
};

// Stable wire name of a code, as in the contract ("invalid_credentials", ...).
const char* toString(ErrorCode code);

// One bad field of a 422 answer. `code` is one of: required, invalid_type, invalid_format,
// too_short, too_long, not_allowed.
struct FieldError {
  std::string field;
  std::string code;
  std::string message;

  friend bool operator==(const FieldError& a, const FieldError& b) {
    return a.field == b.field && a.code == b.code && a.message == b.message;
  }
};

struct Error {
  Error() = default;
  Error(ErrorCode c, std::string d = {}, std::vector<FieldError> f = {})
      : code(c), detail(std::move(d)), fields(std::move(f)) {}

  ErrorCode code = ErrorCode::Internal;
  std::string detail;                       // safe to show a client: never a secret, SQL or hash
  std::vector<FieldError> fields;           // only for ValidationFailed
  std::optional<std::int64_t> retry_after;  // seconds; RateLimited and Unavailable (Retry-After)
  // MfaRequired only: the login's single-use second-step token, for the client and nobody
  // else (never logged).
  std::optional<std::string> mfa_token;
};

template <typename T>
using Result = tl::expected<T, Error>;

using Status = Result<void>;

inline tl::unexpected<Error> fail(ErrorCode code, std::string detail = {}) {
  return tl::unexpected<Error>(Error{code, std::move(detail), {}});
}

inline Error validationError(std::vector<FieldError> fields) {
  return Error{ErrorCode::ValidationFailed, "The request has invalid fields.", std::move(fields)};
}

inline tl::unexpected<Error> validationFailed(std::vector<FieldError> fields) {
  return tl::unexpected<Error>(validationError(std::move(fields)));
}

inline Status ok() { return {}; }

}  // namespace authd
