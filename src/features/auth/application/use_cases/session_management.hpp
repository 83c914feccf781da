// Ending sessions and reading them: logout, logout-all, RFC 7009 revocation, the sessions
// list and deleting one session, RFC 7662 introspection. Thread-safe if their ports are.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "features/auth/application/ports/access_token_verifier.hpp"
#include "features/auth/application/use_cases/authenticate.hpp"
#include "features/auth/application/use_cases/session_tokens.hpp"
#include "features/users/application/audit_trail.hpp"
#include "features/users/application/ports/user_repository.hpp"
#include "shared/core/clock.hpp"
#include "shared/core/result.hpp"
#include "shared/core/unit_of_work.hpp"

namespace authd::auth::application {

// Dependencies shared by the session use cases.
struct SessionDeps {
  UnitOfWork& uow;
  users::application::UserRepository& users;
  SessionTokens& tokens;
  users::application::AuditTrail& audit;
  Clock& clock;
};

// POST /v1/auth/logout: revokes the session of a genuine refresh token. Idempotent: an
// unknown, malformed or already revoked token succeeds too and changes nothing.
class Logout {
 public:
  explicit Logout(SessionDeps deps) : d_(deps) {}
  [[nodiscard]] Status execute(const std::string& refresh_token, const ClientInfo& client);

 private:
  SessionDeps d_;
};

// POST /v1/auth/logout-all: revokes every session of the user. Errors: Unauthorized (gone).
class LogoutAll {
 public:
  explicit LogoutAll(SessionDeps deps) : d_(deps) {}
  [[nodiscard]] Status execute(const Uuid& user_id, const ClientInfo& client);

 private:
  SessionDeps d_;
};

// POST /v1/auth/revoke (RFC 7009): a refresh token revokes its session, an access token its
// sid. Always succeeds for tokens that are not ours (the caller answers 200 regardless).
class RevokeToken {
 public:
  RevokeToken(SessionDeps deps, AccessTokenVerifier& verifier) : d_(deps), verifier_(verifier) {}
  [[nodiscard]] Status execute(const std::string& token, const std::optional<std::string>& hint,
                               const ClientInfo& client);

 private:
  SessionDeps d_;
  AccessTokenVerifier& verifier_;
};

// DELETE /v1/auth/sessions/{id}: revokes one of the caller's sessions.
// Errors: NotFound when the id is malformed or not a live session of this user.
class RevokeSession {
 public:
  explicit RevokeSession(SessionDeps deps) : d_(deps) {}
  [[nodiscard]] Status execute(const Uuid& user_id, const std::string& session_id,
                               const ClientInfo& client);

 private:
  SessionDeps d_;
};

struct SessionView {
  users::domain::Session::State session;
  bool current = false;
};

// GET /v1/auth/sessions: the caller's live sessions, most recently used first, the one of
// `current_session` marked. Errors: Unauthorized (the account is gone).
class ListSessions {
 public:
  ListSessions(SessionDeps deps, users::domain::SessionPolicy policy) : d_(deps), policy_(policy) {}
  [[nodiscard]] Result<std::vector<SessionView>> execute(const Uuid& user_id,
                                                         const Uuid& current_session);

 private:
  SessionDeps d_;
  users::domain::SessionPolicy policy_;
};

// POST /v1/auth/introspect (RFC 7662): active only while the signature, the times and the
// session all hold; `roles` are the user's roles now, not the token's claim. Never fails for a
// bad token; it is just inactive.
class Introspect {
 public:
  struct Output {
    bool active = false;
    AccessClaims claims;
  };
  // Active exactly when Authenticate accepts the token.
  explicit Introspect(Authenticate& authenticate) : authenticate_(authenticate) {}
  [[nodiscard]] Output execute(const std::string& token);

 private:
  Authenticate& authenticate_;
};

}  // namespace authd::auth::application
