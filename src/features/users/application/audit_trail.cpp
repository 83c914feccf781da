#include "features/users/application/audit_trail.hpp"

namespace authd::users::application {

const char* toString(AuditEventType type) {
  switch (type) {
    case AuditEventType::Registered:
      return "register";
    case AuditEventType::LoginSucceeded:
      return "login_succeeded";
    case AuditEventType::LoginFailed:
      return "login_failed";
    case AuditEventType::RefreshReused:
      return "refresh_token_reused";
    case AuditEventType::Logout:
      return "logout";
    case AuditEventType::LogoutAll:
      return "logout_all";
    case AuditEventType::SessionRevoked:
      return "session_revoked";
    case AuditEventType::PasswordChanged:
      return "password_changed";
    case AuditEventType::PasswordReset:
      return "password_reset";
    case AuditEventType::EmailVerified:
      return "email_verified";
    case AuditEventType::RoleGranted:
      return "role_granted";
    case AuditEventType::RoleRevoked:
      return "role_revoked";
    case AuditEventType::ProfileUpdated:
      return "profile_updated";
    case AuditEventType::LockoutLifted:
      return "lockout_lifted";
    case AuditEventType::AccountDeleted:
      return "account_deleted";
    case AuditEventType::MfaEnabled:
      return "mfa_enabled";
    case AuditEventType::MfaDisabled:
      return "mfa_disabled";
    case AuditEventType::MfaFailed:
      return "mfa_failed";
    case AuditEventType::RecoveryCodeUsed:
      return "recovery_code_used";
    case AuditEventType::RecoveryCodesRegenerated:
      return "recovery_codes_regenerated";
    case AuditEventType::EmailChangeRequested:
      return "email_change_requested";
    case AuditEventType::EmailChanged:
      return "email_changed";
  }
  return "unknown";
}

void AuditTrail::record(AuditEventType type, std::optional<Uuid> user_id,
                        const ClientInfo& client) {
  const Timestamp now = clock_.now();
  log_.record(AuditEvent{Uuid::v7(now, random_), user_id, type, now, client.ip.substr(0, 64),
                         client.user_agent.substr(0, 512)});
}

}  // namespace authd::users::application
