#pragma once

#include <memory>

#include <odb/pgsql/database.hxx>

#include "features/users/application/ports/audit_log.hpp"

namespace authd::users::infrastructure {

// AuditLog in the auth_events table, inside the caller's current transaction.
class OdbAuditLog final : public application::AuditLog {
 public:
  explicit OdbAuditLog(std::shared_ptr<odb::pgsql::database> db) : db_(std::move(db)) {}
  void record(const application::AuditEvent& event) override;
  // Retention (its own transaction): deletes events older than `cutoff`
  // (AUTH_EVENT_RETENTION_DAYS).
  std::size_t pruneBefore(Timestamp cutoff);
  std::vector<application::AuditEvent> listForUser(
      const Uuid& user, const std::optional<application::EventCursor>& cursor,
      std::size_t limit) override;

 private:
  std::shared_ptr<odb::pgsql::database> db_;
};

}  // namespace authd::users::infrastructure
