// Fault containment for every database transaction authd runs: no database error, from any
// input, outlives the request (or task) that met it.
#pragma once

#include <exception>

#include <odb/pgsql/connection.hxx>
#include <odb/pgsql/database.hxx>
#include <odb/transaction.hxx>

namespace authd {

// One ODB transaction on a pooled connection, current on the calling thread.
//
// - BEGIN on a pooled connection that turns out to be dead (the server restarted, an operator
//   ran pg_terminate_backend, a failover) is retried once on a fresh connection outside the
//   pool; nothing had been sent but BEGIN, so the retry cannot repeat a write. Any later
//   failure is not retried: the caller answers 503 (Unavailable) and the client decides.
// - A connection that met an unexpected fault never returns to the pool: repository calls
//   mark it failed as the ODB exception leaves them (translateDatabaseFaults), and so does this
//   destructor when it runs without commit() while any exception unwinds. Expected outcomes,
//   which repositories catch and turn into Results (a unique violation on insert, a lost
//   version check), keep it. A failed statement can leave ODB's prepared-statement cache out of
//   step with the server (42P05 "already exists" on every later use); a DEALLOCATE in the
//   aborted transaction would be ignored, so dropping the connection is the only sure repair.
// - A failed commit() marks the connection failed too: its state is unknown.
//
// Throws UnavailableError when no connection can be had or BEGIN fails twice. Not copyable;
// one per thread at a time (ODB's current transaction is thread-local).
class DbTransaction {
 public:
  explicit DbTransaction(odb::pgsql::database& db);
  ~DbTransaction();
  DbTransaction(const DbTransaction&) = delete;
  DbTransaction& operator=(const DbTransaction&) = delete;

  // Throws UnavailableError when the database is lost (the write may or may not have landed),
  // and what ODB throws otherwise.
  void commit();
  // For callers that need ODB's object (prepared queries, the connection).
  odb::transaction& odb() { return tx_; }

 private:
  bool open(const odb::pgsql::connection_ptr& connection);

  odb::transaction tx_;
  odb::pgsql::connection_ptr connection_;
  int uncaught_at_start_;
};

// Marks the connection of the calling thread's current ODB transaction (if any) failed, so the
// pool closes it when the transaction ends. Never throws.
void markCurrentConnectionFailed() noexcept;

// For a catch block around database calls, which a caller may catch and carry on from: marks
// the current transaction's connection failed (a failed statement's connection never returns
// to the pool) and rethrows the fault as UnavailableError when the database is away
// (isDatabaseUnavailable, or libpq reports the connection lost), unchanged otherwise.
[[noreturn]] void rethrowDatabaseFault();

// True, once, when a DbTransaction on this thread was abandoned by an exception on a connection
// libpq reports lost: the exception itself may not say so (ODB can fail with a std::logic_error
// from a null SQLSTATE), and the transaction that knew is gone by the time it is caught.
// Cleared by taking it and when the thread begins a new transaction.
bool takeConnectionLost() noexcept;

// True for a fault that means the database is unreachable or going away rather than a bug or
// bad data: ODB's recoverable exceptions (connection lost, timeout, deadlock) and SQLSTATE
// classes 08 (connection), 53 (insufficient resources), 57P01-57P03 (shutdown, cannot connect
// now) and 40001 (serialization). The HTTP edge answers these 503 with Retry-After.
bool isDatabaseUnavailable(const std::exception& e);
// The SQLSTATE half of that rule, also for statements sent through libpq (runStatement), with
// 40P01 (a deadlock), which ODB reports as recoverable.
bool isUnavailableSqlstate(const std::string& state);

}  // namespace authd
