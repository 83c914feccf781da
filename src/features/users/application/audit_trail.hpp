#pragma once

#include <optional>

#include "features/users/application/ports/audit_log.hpp"
#include "shared/core/client_info.hpp"
#include "shared/core/clock.hpp"
#include "shared/core/random_source.hpp"

namespace authd::users::application {

// Builds audit events (id, time, client) and hands them to the AuditLog port, inside the
// caller's transaction. Thread-safe if its ports are.
class AuditTrail {
 public:
  AuditTrail(AuditLog& log, Clock& clock, RandomSource& random)
      : log_(log), clock_(clock), random_(random) {}

  void record(AuditEventType type, std::optional<Uuid> user_id, const ClientInfo& client);
  AuditLog& log() { return log_; }

 private:
  AuditLog& log_;
  Clock& clock_;
  RandomSource& random_;
};

}  // namespace authd::users::application
