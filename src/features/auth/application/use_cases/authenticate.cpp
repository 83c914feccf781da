#include "features/auth/application/use_cases/authenticate.hpp"

namespace authd::auth::application {

Result<Principal> Authenticate::execute(std::string_view access_token) {
  const Timestamp now = clock_.now();
  auto claims = verifier_.verify(access_token, now);
  if (!claims) return tl::unexpected(claims.error());
  std::optional<users::domain::User> user;
  {
    auto tx = uow_.begin();
    user = users_.findById(claims->subject);
  }
  const auto* session = user ? user->findSession(claims->session) : nullptr;
  if (session == nullptr || session->isExpired(now, policy_)) {
    return fail(ErrorCode::Unauthorized, "The session of this token has ended.");
  }
  return Principal{std::move(*user), claims->session, std::move(*claims)};
}

}  // namespace authd::auth::application
