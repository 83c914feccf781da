#include "features/auth/application/use_cases/authenticate.hpp"

namespace authd::auth::application {

Result<Principal> Authenticate::execute(std::string_view access_token) {
  const Timestamp now = clock_.now();
  auto claims = verifier_.verify(access_token, now);
  if (!claims) return tl::unexpected(claims.error());
  auto session = users_.findSession(claims->subject, claims->session);
  if (!session ||
      users::domain::sessionExpired(session->expires_at, session->last_used_at, now, policy_)) {
    return fail(ErrorCode::Unauthorized, "The session of this token has ended.");
  }
  return Principal{claims->subject, claims->session, std::move(session->roles), session->methods,
                   std::move(*claims)};
}

}  // namespace authd::auth::application
