// In-memory stand-ins for the repositories, for unit and route-level tests only (integration
// and e2e tests use PostgreSQL). They keep the rules a caller could otherwise get away with
// breaking: transactions that roll back, optimistic versions, unique email and username
// (deleted accounts included), soft delete, and text PostgreSQL would refuse.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "features/auth/application/ports/account_tokens.hpp"
#include "features/auth/application/ports/login_throttle.hpp"
#include "features/auth/application/ports/mail.hpp"
#include "features/auth/domain/account_token.hpp"
#include "features/auth/domain/mfa.hpp"
#include "features/users/application/ports/audit_log.hpp"
#include "features/users/domain/user.hpp"
#include "shared/core/unit_of_work.hpp"

namespace authd::testing {

// What PostgreSQL does with a text value it cannot store (a NUL byte, invalid UTF-8): the
// statement fails. Throws std::runtime_error naming `column`, as the database would.
void refuseLikePostgres(std::string_view column, std::string_view value);

// Every table the fakes keep. Copyable, so a transaction can snapshot and restore it (a new
// table must also be restored in InMemoryUnitOfWork::Tx).
struct InMemoryTables {
  struct Throttle {
    auth::application::LoginThrottle::Count count;
  };
  struct ResetRequest {
    std::string email;
    bool processed = false;
  };
  std::map<Uuid, users::domain::User> users;  // deleted ones too
  std::vector<users::application::AuditEvent> events;
  std::map<Bytes, auth::domain::AccountToken> account_tokens;  // by digest
  std::vector<auth::application::Mail> outbox;
  std::vector<Timestamp> outbox_queued_at;  // one per outbox mail
  std::size_t outbox_delivered = 0;         // the first this many mails have been sent
  std::map<Uuid, ResetRequest> reset_requests;
  std::map<std::string, auth::application::LoginThrottle::Count> throttle;
  std::map<Uuid, auth::domain::Mfa> mfa;                   // by user id
  std::map<Bytes, auth::domain::MfaChallenge> challenges;  // by digest
};

// The "database": tables behind one recursive mutex. A transaction holds the mutex from
// begin() to its end (serializable, trivially); a call outside one holds it for the call.
class InMemoryDatabase {
 public:
  // For tests: `change` as another transaction would commit it while one of ours is open. It
  // applies now and also to the open transactions' snapshots, so their rollbacks keep it.
  void concurrently(const std::function<void(InMemoryTables&)>& change);

  InMemoryTables tables;
  std::recursive_mutex mutex;
  std::vector<InMemoryTables*> open_snapshots;  // of the transactions in progress
};

// UnitOfWork over an InMemoryDatabase: a transaction snapshots the tables and restores them
// unless committed. Counts begins and commits for tests that check them.
class InMemoryUnitOfWork final : public UnitOfWork {
 public:
  explicit InMemoryUnitOfWork(InMemoryDatabase& db) : db_(db) {}
  std::unique_ptr<Transaction> begin() override;
  int begins() const { return begins_; }
  int commits() const { return commits_; }

 private:
  class Tx;
  InMemoryDatabase& db_;
  std::atomic<int> begins_{0};
  std::atomic<int> commits_{0};
};

}  // namespace authd::testing
