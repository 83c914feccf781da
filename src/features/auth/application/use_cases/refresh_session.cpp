#include "features/auth/application/use_cases/refresh_session.hpp"

#include "features/users/application/modify_user.hpp"

namespace authd::auth::application {
namespace {

tl::unexpected<Error> invalid() {
  return fail(ErrorCode::RefreshTokenInvalid, "The refresh token is invalid or expired.");
}

}  // namespace

Result<TokenGrant> RefreshSession::execute(const Input& in) {
  const auto token = domain::RefreshToken::decode(in.refresh_token);
  if (!token) return invalid();
  auto& hasher = tokens_.hasher();

  using users::application::Change;
  using users::application::write;
  using users::domain::RefreshOutcome;
  struct Rotation {
    RefreshOutcome outcome = RefreshOutcome::Invalid;
    domain::RefreshToken issued;
    Timestamp now;
  };
  // The decision, the same on both paths below.
  const auto decide = [&](users::domain::User& u) -> Result<Change<Rotation>> {
    const auto* session = u.findSession(token->session_id);
    if (!session || !session->canTrace(token->generation)) return invalid();
    // Advance the presented secret to the session's generation; its digest must match
    // the stored one for the token to be genuine at all.
    Bytes advanced = tokens_.advance(*token, session->generation());
    Bytes next = hasher.successor(advanced);
    const users::domain::RefreshAttempt attempt{token->generation, hasher.digest(advanced),
                                                hasher.digest(next)};
    const auto generation = session->generation();
    Rotation r{RefreshOutcome::Invalid, {token->user_id, token->session_id, 0, {}}, clock_.now()};
    r.outcome = u.refreshSession(token->session_id, attempt, r.now, tokens_.policy());
    switch (r.outcome) {
      case RefreshOutcome::Invalid:
        return invalid();
      case RefreshOutcome::Reused:  // the revocation is written and committed
        return write(users::application::AuditEventType::RefreshReused, std::move(r));
      case RefreshOutcome::Rotated:
        r.issued.generation = generation + 1;
        r.issued.secret = std::move(next);
        break;
      case RefreshOutcome::GraceReplay:  // the same successor the first call got
        r.issued.generation = generation;
        r.issued.secret = std::move(advanced);
        break;
    }
    return write(std::nullopt, std::move(r));
  };

  // The common case, a rotation or a grace replay, changes nothing but the user's sessions: one
  // read and one write guarded by the version, each a statement of its own, as atomic as a
  // transaction around both and two round trips cheaper.
  auto user = statements_.findUser(token->user_id);
  if (!user) return invalid();
  auto fast = decide(*user);
  if (!fast) return tl::unexpected(fast.error());
  if (fast->value.outcome != RefreshOutcome::Reused) {
    auto stored = statements_.storeSessions(*user);
    if (stored) return tokens_.grant(*user, fast->value.issued, fast->value.now);
    if (stored.error().code != ErrorCode::Conflict) return tl::unexpected(stored.error());
  }
  // A reuse revokes the session and records the event, together, in a transaction; a lost
  // version race decides again there (modifyUser: a first attempt without a lock, then under
  // a row lock).
  auto changed =
      users::application::modifyUser(uow_, users_, {audit_, in.client}, token->user_id, decide);
  if (!changed) {
    if (changed.error().code == ErrorCode::NotFound) return invalid();
    return tl::unexpected(changed.error());
  }
  if (changed->value.outcome == RefreshOutcome::Reused) {
    return fail(ErrorCode::RefreshTokenReused,
                "This refresh token was already used; the session has been revoked.");
  }
  return tokens_.grant(changed->user, changed->value.issued, changed->value.now);
}

}  // namespace authd::auth::application
