#include "features/auth/application/use_cases/refresh_session.hpp"

#include "features/users/application/modify_user.hpp"

namespace authd::auth::application {
namespace {

constexpr int kMaxAttempts = 3;  // the retry holds a row lock, so one retry suffices

tl::unexpected<Error> invalid() {
  return fail(ErrorCode::RefreshTokenInvalid, "The refresh token is invalid or expired.");
}

}  // namespace

Result<TokenGrant> RefreshSession::execute(const Input& in) {
  const auto token = domain::RefreshToken::decode(in.refresh_token);
  if (!token) return invalid();
  auto& hasher = tokens_.hasher();

  using users::domain::RefreshOutcome;
  RefreshOutcome outcome = RefreshOutcome::Invalid;
  domain::RefreshToken issued{token->user_id, token->session_id, 0, {}};
  Timestamp now;
  users::domain::User user{users::domain::User::State{}};
  auto status = users::application::modifyUser(
      uow_, users_, token->user_id,
      [&](users::domain::User& u) -> Result<users::application::Write> {
        const auto* session = u.findSession(token->session_id);
        if (!session || token->generation > session->generation() ||
            session->generation() - token->generation > SessionTokens::kMaxGenerationsBack) {
          return invalid();
        }
        // Advance the presented secret to the session's generation; its digest must match
        // the stored one for the token to be genuine at all.
        Bytes advanced = tokens_.advance(*token, session->generation());
        Bytes next = hasher.successor(advanced);
        const users::domain::RefreshAttempt attempt{token->generation, hasher.digest(advanced),
                                                    hasher.digest(next)};
        const auto generation = session->generation();
        now = clock_.now();
        outcome = u.refreshSession(token->session_id, attempt, now, tokens_.policy());
        switch (outcome) {
          case RefreshOutcome::Invalid:
            return invalid();
          case RefreshOutcome::Reused:  // the revocation is written and committed
            audit_.record(users::application::AuditEventType::RefreshReused, u.id(), in.client);
            break;
          case RefreshOutcome::Rotated:
            issued.generation = generation + 1;
            issued.secret = std::move(next);
            break;
          case RefreshOutcome::GraceReplay:  // the same successor the first call got
            issued.generation = generation;
            issued.secret = std::move(advanced);
            break;
        }
        return users::application::Write::Yes;
      },
      &user, kMaxAttempts);
  if (!status) {
    if (status.error().code == ErrorCode::NotFound) return invalid();
    return tl::unexpected(status.error());
  }
  if (outcome == RefreshOutcome::Reused) {
    return fail(ErrorCode::RefreshTokenReused,
                "This refresh token was already used; the session has been revoked.");
  }
  return tokens_.grant(user, issued, now);
}

}  // namespace authd::auth::application
