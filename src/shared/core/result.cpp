#include "shared/core/result.hpp"

namespace authd {

const char* toString(ErrorCode code) {
  switch (code) {
    case ErrorCode::InvalidJson:
      return "invalid_json";
    case ErrorCode::BadRequest:
      return "bad_request";
    case ErrorCode::RequestTimeout:
      return "request_timeout";
    case ErrorCode::HeadersTooLarge:
      return "headers_too_large";
    case ErrorCode::InvalidCredentials:
      return "invalid_credentials";
    case ErrorCode::Unauthorized:
      return "unauthorized";
    case ErrorCode::RefreshTokenInvalid:
      return "refresh_token_invalid";
    case ErrorCode::RefreshTokenReused:
      return "refresh_token_reused";
    case ErrorCode::TokenInvalid:
      return "token_invalid";
    case ErrorCode::Forbidden:
      return "forbidden";
    case ErrorCode::NotFound:
      return "not_found";
    case ErrorCode::MethodNotAllowed:
      return "method_not_allowed";
    case ErrorCode::EmailTaken:
      return "email_taken";
    case ErrorCode::UsernameTaken:
      return "username_taken";
    case ErrorCode::MfaAlreadyEnabled:
      return "mfa_already_enabled";
    case ErrorCode::MfaNotEnabled:
      return "mfa_not_enabled";
    case ErrorCode::MfaEnrolmentMissing:
      return "mfa_enrolment_missing";
    case ErrorCode::MfaRequired:
      return "mfa_required";
    case ErrorCode::MfaCodeInvalid:
      return "mfa_code_invalid";
    case ErrorCode::MfaTokenInvalid:
      return "mfa_token_invalid";
    case ErrorCode::PayloadTooLarge:
      return "payload_too_large";
    case ErrorCode::UnsupportedMediaType:
      return "unsupported_media_type";
    case ErrorCode::ValidationFailed:
      return "validation_failed";
    case ErrorCode::RateLimited:
      return "rate_limited";
    case ErrorCode::Conflict:
      return "conflict";
    case ErrorCode::Unavailable:
      return "unavailable";
    case ErrorCode::Internal:
      return "internal";
  }
  return "internal";
}

}  // namespace authd
