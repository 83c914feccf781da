#include "features/auth/application/use_cases/session_management.hpp"

#include <algorithm>

#include "features/users/application/modify_user.hpp"

namespace authd::auth::application {

using users::application::AuditEventType;
using users::application::Change;
using users::application::keep;
using users::application::modifyUser;
using users::application::write;

namespace {

// Revokes the session a genuine refresh token belongs to; anything else is a no-op.
Status revokeByRefreshToken(SessionDeps& d, const std::string& text, const ClientInfo& client,
                            AuditEventType type) {
  const auto token = domain::RefreshToken::decode(text);
  if (!token) return ok();
  auto changed = modifyUser(d.uow, d.users, {d.audit, client}, token->user_id,
                            [&](users::domain::User& user) -> Result<Change<>> {
                              const auto* session = user.findSession(token->session_id);
                              if (session == nullptr || !d.tokens.isGenuine(*session, *token))
                                return keep();
                              user.revokeSession(token->session_id, d.clock.now());
                              user.pruneExpiredSessions(d.clock.now(), d.tokens.policy());
                              return write(type);
                            });
  if (!changed && changed.error().code != ErrorCode::NotFound) {
    return tl::unexpected(changed.error());
  }
  return ok();
}

}  // namespace

Status Logout::execute(const std::string& refresh_token, const ClientInfo& client) {
  return revokeByRefreshToken(d_, refresh_token, client, AuditEventType::Logout);
}

Status LogoutAll::execute(const Uuid& user_id, const ClientInfo& client) {
  auto changed = modifyUser(d_.uow, d_.users, {d_.audit, client}, user_id,
                            [&](users::domain::User& user) -> Result<Change<>> {
                              user.revokeAllSessions(d_.clock.now());
                              return write(AuditEventType::LogoutAll);
                            });
  if (!changed && changed.error().code == ErrorCode::NotFound) {
    return fail(ErrorCode::Unauthorized, "The account no longer exists.");
  }
  if (!changed) return tl::unexpected(changed.error());
  return ok();
}

Status RevokeToken::execute(const std::string& token, const std::optional<std::string>& hint,
                            const ClientInfo& client) {
  // The hint only orders the attempts (RFC 7009 section 2.1); both kinds are tried.
  const bool looks_like_jwt = std::count(token.begin(), token.end(), '.') == 2;
  const bool access_first = hint ? *hint == "access_token" : looks_like_jwt;
  auto byAccess = [&]() -> std::optional<Status> {
    auto claims = verifier_.verify(token, d_.clock.now());
    if (!claims) return std::nullopt;
    auto changed = modifyUser(d_.uow, d_.users, {d_.audit, client}, claims->subject,
                              [&](users::domain::User& user) -> Result<Change<>> {
                                if (!user.revokeSession(claims->session, d_.clock.now()))
                                  return keep();
                                user.pruneExpiredSessions(d_.clock.now(), d_.tokens.policy());
                                return write(AuditEventType::SessionRevoked);
                              });
    if (!changed && changed.error().code != ErrorCode::NotFound) {
      return tl::unexpected(changed.error());
    }
    return ok();
  };
  if (access_first || looks_like_jwt) {
    if (auto done = byAccess()) return *done;
  }
  return revokeByRefreshToken(d_, token, client, AuditEventType::SessionRevoked);
}

Status RevokeSession::execute(const Uuid& user_id, const std::string& session_id,
                              const ClientInfo& client) {
  const auto sid = Uuid::parse(session_id);
  if (!sid) return fail(ErrorCode::NotFound, "No such session.");
  auto changed = modifyUser(d_.uow, d_.users, {d_.audit, client}, user_id,
                            [&](users::domain::User& user) -> Result<Change<>> {
                              if (!user.revokeSession(*sid, d_.clock.now())) {
                                return fail(ErrorCode::NotFound, "No such session.");
                              }
                              user.pruneExpiredSessions(d_.clock.now(), d_.tokens.policy());
                              return write(AuditEventType::SessionRevoked);
                            });
  if (!changed) return tl::unexpected(changed.error());
  return ok();
}

Result<std::vector<SessionView>> ListSessions::execute(const Uuid& user_id,
                                                       const Uuid& current_session) {
  auto tx = d_.uow.begin();
  const auto user = d_.users.findById(user_id);
  if (!user) return fail(ErrorCode::Unauthorized, "The account no longer exists.");
  const Timestamp now = d_.clock.now();
  std::vector<SessionView> out;
  for (const auto& s : user->sessions()) {
    if (s.isExpired(now, policy_)) continue;
    out.push_back({s.state(), s.id() == current_session});
  }
  std::sort(out.begin(), out.end(), [](const SessionView& a, const SessionView& b) {
    return a.session.last_used_at > b.session.last_used_at;
  });
  return out;
}

Introspect::Output Introspect::execute(const std::string& token) {
  auto principal = authenticate_.execute(token);
  if (!principal) return {};
  // The user's roles now, not the token's: a demotion shows at once (issue 12).
  principal->claims.roles.assign(principal->roles.begin(), principal->roles.end());
  // The session's methods, as the database has them.
  principal->claims.amr = users::domain::amrOf(principal->methods);
  return {true, std::move(principal->claims)};
}

}  // namespace authd::auth::application
