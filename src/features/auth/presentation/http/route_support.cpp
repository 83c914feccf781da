#include "features/auth/presentation/http/route_support.hpp"

#include "features/auth/presentation/http/token_json.hpp"
#include "shared/presentation/json_fields.hpp"

namespace authd::auth::presentation {

std::optional<std::string> requiredField(const Pistache::Rest::Request& req,
                                         Pistache::Http::ResponseWriter& res, const char* name,
                                         bool allow_form, bool secret) {
  auto body = allow_form ? http::jsonOrFormBody(req) : http::jsonObjectBody(req);
  if (!body) {
    http::sendProblem(res, body.error());
    return std::nullopt;
  }
  http::JsonFields f(*body);
  auto value = secret ? f.requiredSecret(name) : f.requiredString(name);
  if (!value) http::sendProblem(res, validationError(f.errors()));
  return value;
}

void answerGrant(Pistache::Http::ResponseWriter& response,
                 const Result<application::TokenGrant>& result, int status,
                 const UserJson& user_json) {
  if (result) {
    http::sendNoStoreJson(response, status, grantJson(*result, user_json(result->user)));
  } else {
    http::sendProblem(response, result.error());
  }
}

}  // namespace authd::auth::presentation
