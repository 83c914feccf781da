// What the admin console does to one account besides roles (contract, "Hosted pages": the admin
// routes added for it): its sessions, revoking them all, its security events, soft delete. Each
// is the self-service use case run for another account, audited on that account.
// Errors: NotFound for a malformed id or no such live user. Thread-safe if the ports are.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "features/auth/application/use_cases/account.hpp"
#include "features/auth/application/use_cases/session_management.hpp"

namespace authd::auth::application {

class AdminAccounts {
 public:
  AdminAccounts(SessionDeps deps, users::application::AuditLog& log,
                users::domain::SessionPolicy policy)
      : d_(deps), list_sessions_(deps, policy), logout_all_(deps), list_events_(deps.uow, log) {}

  // GET /v1/admin/users/{id}/sessions: live sessions, most recently used first (none current).
  [[nodiscard]] Result<std::vector<SessionView>> sessions(const std::string& user_id);
  // DELETE /v1/admin/users/{id}/sessions: revokes every session (audited as logout_all).
  [[nodiscard]] Status revokeSessions(const std::string& user_id, const ClientInfo& client);
  // GET /v1/admin/users/{id}/events: as GET /v1/auth/events for the account. Also
  // ValidationFailed for a bad limit or cursor.
  [[nodiscard]] Result<ListEvents::Output> events(const std::string& user_id,
                                                  const std::optional<std::string>& limit,
                                                  const std::optional<std::string>& cursor);
  // DELETE /v1/admin/users/{id}: soft delete (every session revoked; email and username stay
  // reserved), audited as account_deleted.
  [[nodiscard]] Status remove(const std::string& user_id, const ClientInfo& client);

 private:
  // The id of a live user, or NotFound.
  Result<Uuid> liveUser(const std::string& user_id);

  SessionDeps d_;
  ListSessions list_sessions_;
  LogoutAll logout_all_;
  ListEvents list_events_;
};

}  // namespace authd::auth::application
