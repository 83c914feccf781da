#pragma once

#include <optional>
#include <string>
#include <vector>

#include "features/users/application/pagination.hpp"
#include "shared/core/time.hpp"
#include "shared/core/uuid.hpp"

namespace authd::users::application {

// Security events of the contract ("Audit events"). Never holds a secret.
enum class AuditEventType {
  Registered,
  LoginSucceeded,
  LoginFailed,
  RefreshReused,
  Logout,
  LogoutAll,
  SessionRevoked,
  PasswordChanged,
  PasswordReset,
  EmailVerified,
  RoleGranted,
  RoleRevoked,
  ProfileUpdated,
  AccountDeleted,
  LockoutLifted,  // an admin ended a login lockout early
  MfaEnabled,
  MfaDisabled,  // by the user, or reset by an admin
  MfaFailed,    // a wrong, replayed or unknown one-time or recovery code
  RecoveryCodeUsed,
  RecoveryCodesRegenerated,
  EmailChangeRequested,
  EmailChanged,
};

// Wire and storage name ("login_failed", ...), checked by the database.
const char* toString(AuditEventType type);

struct AuditEvent {
  Uuid id;
  std::optional<Uuid> user_id;  // none for a failed login of an unknown identifier
  AuditEventType type = AuditEventType::LoginFailed;
  Timestamp at;
  std::string ip;
  std::string user_agent;
};

// Position in a user's event list, newest first: events strictly older than (at, id).
using EventCursor = PageKey;

// Port: the audit trail. record() joins the caller's current transaction, so an event is
// stored exactly when the change it records is. Infrastructure faults throw.
class AuditLog {
 public:
  virtual ~AuditLog() = default;
  virtual void record(const AuditEvent& event) = 0;
  // At most `limit` events of `user`, newest first, strictly after `cursor` when given.
  virtual std::vector<AuditEvent> listForUser(const Uuid& user,
                                              const std::optional<EventCursor>& cursor,
                                              std::size_t limit) = 0;
};

}  // namespace authd::users::application
