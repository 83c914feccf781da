#pragma once

#include <string>

#include "features/auth/application/use_cases/session_tokens.hpp"
#include "features/users/application/audit_trail.hpp"
#include "features/users/application/ports/user_repository.hpp"
#include "features/users/application/ports/user_statements.hpp"
#include "shared/core/clock.hpp"
#include "shared/core/result.hpp"
#include "shared/core/unit_of_work.hpp"

namespace authd::auth::application {

// Exchanges a refresh token for new tokens (contract, "Tokens" rules 1-3):
//  - the current token rotates: it stops working and a successor is returned;
//  - the previous token inside the grace window returns that same successor;
//  - an older token, or the previous one after the window, revokes the session:
//    RefreshTokenReused (the revocation is committed);
//  - anything else (malformed, unknown, expired, revoked): RefreshTokenInvalid.
// The session keeps its absolute expiry. Version races are retried. A rotation or grace replay
// is one read and one version-guarded write (UserStatements), each its own statement; a reuse,
// and a retry after a lost race, run in a UnitOfWork transaction with the audit event.
// Thread-safe if its ports are.
class RefreshSession {
 public:
  struct Input {
    std::string refresh_token;
    ClientInfo client;
  };

  RefreshSession(UnitOfWork& uow, users::application::UserRepository& users,
                 users::application::UserStatements& statements, SessionTokens& tokens,
                 users::application::AuditTrail& audit, Clock& clock)
      : uow_(uow),
        users_(users),
        statements_(statements),
        tokens_(tokens),
        audit_(audit),
        clock_(clock) {}

  [[nodiscard]] Result<TokenGrant> execute(const Input& input);

 private:
  UnitOfWork& uow_;
  users::application::UserRepository& users_;
  users::application::UserStatements& statements_;
  SessionTokens& tokens_;
  users::application::AuditTrail& audit_;
  Clock& clock_;
};

}  // namespace authd::auth::application
