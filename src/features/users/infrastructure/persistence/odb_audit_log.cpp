#include "features/users/infrastructure/persistence/odb_audit_log.hpp"

#include <stdexcept>

#include "auth_event_record-odb.hxx"
#include "shared/infrastructure/odb_unit_of_work.hpp"

namespace authd::users::infrastructure {
namespace {

using records::AuthEventRecord;
using Query = odb::query<AuthEventRecord>;

application::AuditEventType typeFrom(const std::string& text) {
  using T = application::AuditEventType;
  for (T t : {T::Registered,
              T::LoginSucceeded,
              T::LoginFailed,
              T::RefreshReused,
              T::Logout,
              T::LogoutAll,
              T::SessionRevoked,
              T::PasswordChanged,
              T::PasswordReset,
              T::EmailVerified,
              T::RoleGranted,
              T::RoleRevoked,
              T::ProfileUpdated,
              T::AccountDeleted,
              T::LockoutLifted,
              T::MfaEnabled,
              T::MfaDisabled,
              T::MfaFailed,
              T::RecoveryCodeUsed,
              T::RecoveryCodesRegenerated,
              T::EmailChangeRequested,
              T::EmailChanged}) {
    if (text == application::toString(t)) return t;
  }
  throw std::runtime_error("stored audit event has an unknown type");
}

}  // namespace

void OdbAuditLog::record(const application::AuditEvent& e) {
  translateDatabaseFaults([&] {
    AuthEventRecord r;
    r.id = e.id.toString();
    if (e.user_id) r.user_id = e.user_id->toString();
    r.type = application::toString(e.type);
    r.at = toMicros(e.at);
    r.ip = e.ip;
    r.user_agent = e.user_agent;
    db_->persist(r);
  });
}

std::vector<application::AuditEvent> OdbAuditLog::listForUser(
    const Uuid& user, const std::optional<application::EventCursor>& cursor, std::size_t limit) {
  return translateDatabaseFaults([&] {
    Query q = Query::user_id == user.toString();
    if (cursor) {
      const long long at = toMicros(cursor->at);
      q = q && (Query::at < at || (Query::at == at && Query::id < cursor->id.toString()));
    }
    q = q + "ORDER BY" + Query::at + "DESC," + Query::id + "DESC LIMIT" +
        Query::_val(static_cast<long long>(limit));
    std::vector<application::AuditEvent> out;
    for (const auto& r : db_->query<AuthEventRecord>(q)) {
      application::AuditEvent e;
      e.id = *Uuid::parse(r.id);
      if (!r.user_id.null()) e.user_id = Uuid::parse(r.user_id.get());
      e.type = typeFrom(r.type);
      e.at = fromMicros(r.at);
      e.ip = r.ip;
      e.user_agent = r.user_agent;
      out.push_back(std::move(e));
    }
    return out;
  });
}

std::size_t OdbAuditLog::pruneBefore(Timestamp cutoff) {
  return translateDatabaseFaults([&] {
    DbTransaction tx(*db_);
    const auto n = db_->erase_query<AuthEventRecord>(Query::at < toMicros(cutoff));
    tx.commit();
    return static_cast<std::size_t>(n);
  });
}

}  // namespace authd::users::infrastructure
