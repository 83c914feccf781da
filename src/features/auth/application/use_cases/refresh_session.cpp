#include "features/auth/application/use_cases/refresh_session.hpp"

namespace authd::auth::application {
namespace {

constexpr int kMaxAttempts = 5;

tl::unexpected<Error> invalid() {
  return fail(ErrorCode::RefreshTokenInvalid, "The refresh token is invalid or expired.");
}

}  // namespace

Result<TokenGrant> RefreshSession::execute(const Input& in) {
  const auto token = domain::RefreshToken::decode(in.refresh_token);
  if (!token) return invalid();
  auto& hasher = tokens_.hasher();

  for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
    auto tx = uow_.begin();
    // A retry after a lost version race reads with a row lock so it cannot lose again.
    auto user = attempt == 0 ? users_.findById(token->user_id)
                             : users_.findByIdForUpdate(token->user_id);
    if (!user) return invalid();
    const auto* session = user->findSession(token->session_id);
    if (!session || token->generation > session->generation() ||
        session->generation() - token->generation > SessionTokens::kMaxGenerationsBack) {
      return invalid();
    }
    // Advance the presented secret to the session's generation; its digest must match the
    // stored one for the token to be genuine at all.
    Bytes advanced = tokens_.advance(*token, session->generation());
    Bytes next = hasher.successor(advanced);
    users::domain::RefreshAttempt refresh{token->generation, hasher.digest(advanced),
                                          hasher.digest(next)};
    const Timestamp now = clock_.now();
    const auto current_generation = session->generation();
    const auto outcome = user->refreshSession(token->session_id, refresh, now, tokens_.policy());
    if (outcome == users::domain::RefreshOutcome::Invalid) return invalid();
    if (outcome == users::domain::RefreshOutcome::Reused) {
      audit_.record(users::application::AuditEventType::RefreshReused, user->id(), in.client);
    }

    auto written = users_.update(*user);
    if (!written) {
      if (written.error().code == ErrorCode::Conflict) continue;
      return tl::unexpected(written.error());
    }
    tx->commit();
    if (outcome == users::domain::RefreshOutcome::Reused) {
      return fail(ErrorCode::RefreshTokenReused,
                  "This refresh token was already used; the session has been revoked.");
    }
    domain::RefreshToken issued{token->user_id, token->session_id, 0, {}};
    if (outcome == users::domain::RefreshOutcome::Rotated) {
      issued.generation = current_generation + 1;
      issued.secret = std::move(next);
    } else {  // GraceReplay: the same successor the first call got
      issued.generation = current_generation;
      issued.secret = std::move(advanced);
    }
    return tokens_.grant(*user, issued, now);
  }
  return fail(ErrorCode::Conflict, "The session changed concurrently; try again.");
}

}  // namespace authd::auth::application
