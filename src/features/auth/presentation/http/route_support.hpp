// Helpers the auth feature's route files share (not a public interface of the feature).
#pragma once

#include <optional>
#include <string>

#include "features/auth/application/use_cases/session_tokens.hpp"
#include "features/auth/presentation/http/auth_routes.hpp"
#include "shared/core/client_info.hpp"
#include "shared/presentation/http_support.hpp"

namespace authd::auth::presentation {

inline ClientInfo clientOf(const http::RequestContext& ctx) {
  return {ctx.user_agent, ctx.client_ip};
}

// Reads one required string field of a JSON (or, with `allow_form`, form) body, answering
// 415/413/400/422 itself. A secret (a password) is taken as given; any other field must be
// clean text.
std::optional<std::string> requiredField(const Pistache::Rest::Request& req,
                                         Pistache::Http::ResponseWriter& res, const char* name,
                                         bool allow_form = false, bool secret = false);

// A token grant (no-store) with `status`, or the problem of the error.
void answerGrant(Pistache::Http::ResponseWriter& response,
                 const Result<application::TokenGrant>& result, int status,
                 const UserJson& user_json);

}  // namespace authd::auth::presentation
