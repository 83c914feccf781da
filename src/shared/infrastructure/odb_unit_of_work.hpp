#pragma once

#include <atomic>
#include <memory>

#include <odb/pgsql/database.hxx>

#include "shared/core/unit_of_work.hpp"
#include "shared/infrastructure/db_transaction.hpp"

namespace authd {

// UnitOfWork over ODB: one DbTransaction per begin(), current on the calling thread, so
// repositories using the same database join it. A failure to get a connection throws
// UnavailableError; a transaction abandoned by an exception drops its connection.
class OdbUnitOfWork final : public UnitOfWork {
 public:
  explicit OdbUnitOfWork(std::shared_ptr<odb::pgsql::database> db) : db_(std::move(db)) {}
  std::unique_ptr<Transaction> begin() override;
  // Transactions open now; each holds one pooled connection (the /metrics pool gauge).
  int inUse() const { return in_use_.load(std::memory_order_relaxed); }

 private:
  std::shared_ptr<odb::pgsql::database> db_;
  std::atomic<int> in_use_{0};
};

// Runs `fn` (one repository call), turning faults that mean the database is unreachable into
// UnavailableError for the HTTP edge; other exceptions pass unchanged. Either way the current
// connection is not reused (rethrowDatabaseFault).
template <typename Fn>
auto translateDatabaseFaults(Fn&& fn) -> decltype(fn());

}  // namespace authd

#include "shared/infrastructure/odb_unit_of_work.ipp"
