#include "shared/presentation/bearer.hpp"

#include "shared/presentation/http_support.hpp"

namespace authd::http {

void withPrincipal(const Authenticator& authenticate, const Pistache::Rest::Request& request,
                   Pistache::Http::ResponseWriter& response, const char* role,
                   const std::function<void(const Principal&)>& handler) {
  auto token = bearerToken(request);
  if (!token) return sendProblem(response, token.error());
  auto principal = authenticate(*token);
  if (!principal) return sendProblem(response, principal.error());
  if (role != nullptr && !principal->hasRole(role)) {
    return sendProblem(
        response,
        Error{ErrorCode::Forbidden, std::string("This route needs role ") + role + ".", {}});
  }
  handler(*principal);
}

}  // namespace authd::http
