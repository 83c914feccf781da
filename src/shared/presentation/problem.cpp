#include "shared/presentation/problem.hpp"

namespace authd::http {

int statusFor(ErrorCode code) {
  switch (code) {
    case ErrorCode::InvalidJson:
    case ErrorCode::BadRequest:
      return 400;
    case ErrorCode::RequestTimeout:
      return 408;
    case ErrorCode::HeadersTooLarge:
      return 431;
    case ErrorCode::InvalidCredentials:
    case ErrorCode::Unauthorized:
    case ErrorCode::RefreshTokenInvalid:
    case ErrorCode::RefreshTokenReused:
    case ErrorCode::TokenInvalid:
    case ErrorCode::MfaRequired:
    case ErrorCode::MfaCodeInvalid:
    case ErrorCode::MfaTokenInvalid:
      return 401;
    case ErrorCode::Forbidden:
      return 403;
    case ErrorCode::NotFound:
      return 404;
    case ErrorCode::MethodNotAllowed:
      return 405;
    case ErrorCode::EmailTaken:
    case ErrorCode::UsernameTaken:
    case ErrorCode::MfaAlreadyEnabled:
    case ErrorCode::MfaNotEnabled:
    case ErrorCode::MfaEnrolmentMissing:
      return 409;
    case ErrorCode::PayloadTooLarge:
      return 413;
    case ErrorCode::UnsupportedMediaType:
      return 415;
    case ErrorCode::ValidationFailed:
      return 422;
    case ErrorCode::RateLimited:
      return 429;
    case ErrorCode::Unavailable:
    case ErrorCode::Conflict:  // told as unavailable (problemJson)
      return 503;
    case ErrorCode::Internal:
      return 500;
  }
  return 500;
}

const char* titleFor(ErrorCode code) {
  switch (code) {
    case ErrorCode::InvalidJson:
      return "Malformed JSON";
    case ErrorCode::BadRequest:
      return "Bad request";
    case ErrorCode::RequestTimeout:
      return "Request timeout";
    case ErrorCode::HeadersTooLarge:
      return "Request headers too large";
    case ErrorCode::InvalidCredentials:
      return "Invalid credentials";
    case ErrorCode::Unauthorized:
      return "Unauthorized";
    case ErrorCode::RefreshTokenInvalid:
      return "Invalid refresh token";
    case ErrorCode::RefreshTokenReused:
      return "Refresh token reused";
    case ErrorCode::TokenInvalid:
      return "Invalid token";
    case ErrorCode::Forbidden:
      return "Forbidden";
    case ErrorCode::NotFound:
      return "Not found";
    case ErrorCode::MethodNotAllowed:
      return "Method not allowed";
    case ErrorCode::EmailTaken:
      return "Email taken";
    case ErrorCode::UsernameTaken:
      return "Username taken";
    case ErrorCode::MfaAlreadyEnabled:
      return "MFA already enabled";
    case ErrorCode::MfaNotEnabled:
      return "MFA not enabled";
    case ErrorCode::MfaEnrolmentMissing:
      return "No MFA enrolment pending";
    case ErrorCode::MfaRequired:
      return "Second factor required";
    case ErrorCode::MfaCodeInvalid:
      return "Invalid code";
    case ErrorCode::MfaTokenInvalid:
      return "Invalid MFA token";
    case ErrorCode::PayloadTooLarge:
      return "Payload too large";
    case ErrorCode::UnsupportedMediaType:
      return "Unsupported media type";
    case ErrorCode::ValidationFailed:
      return "Validation failed";
    case ErrorCode::RateLimited:
      return "Too many requests";
    case ErrorCode::Unavailable:
    case ErrorCode::Conflict:
      return "Service unavailable";
    case ErrorCode::Internal:
      return "Internal error";
  }
  return "Internal error";
}

nlohmann::json problemJson(const Error& error) {
  // The contract has no code for a version race lost on every attempt (Conflict): it is
  // transient, so the client is told what it is told for any: 503 unavailable, retry.
  const char* code =
      toString(error.code == ErrorCode::Conflict ? ErrorCode::Unavailable : error.code);
  nlohmann::json j = {
      {"type", std::string("https://authd.dev/problems/") + code},
      {"title", titleFor(error.code)},
      {"status", statusFor(error.code)},
      {"detail", error.detail.empty() ? titleFor(error.code) : error.detail},
      {"code", code},
  };
  if (error.code == ErrorCode::ValidationFailed) {
    nlohmann::json errors = nlohmann::json::array();
    for (const auto& f : error.fields) {
      errors.push_back({{"field", f.field}, {"code", f.code}, {"message", f.message}});
    }
    j["errors"] = std::move(errors);
  }
  if (error.code == ErrorCode::MfaRequired && error.mfa_token) j["mfa_token"] = *error.mfa_token;
  return j;
}

}  // namespace authd::http
