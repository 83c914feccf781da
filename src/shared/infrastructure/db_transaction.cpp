#include "shared/infrastructure/db_transaction.hpp"

#include <libpq-fe.h>

#include <string>

#include <odb/exceptions.hxx>
#include <odb/pgsql/exceptions.hxx>

#include "shared/core/errors.hpp"

namespace authd {
namespace {

// libpq's own view: after the server went away, ODB sometimes fails in ways it does not map
// (a std::logic_error from a null SQLSTATE), but the connection then reports CONNECTION_BAD.
bool lost(odb::pgsql::connection& c) { return PQstatus(c.handle()) == CONNECTION_BAD; }

thread_local bool t_connection_lost = false;  // see takeConnectionLost

odb::pgsql::connection* currentConnection() noexcept {
  try {
    if (!odb::transaction::has_current()) return nullptr;
    return &static_cast<odb::pgsql::connection&>(odb::transaction::current().connection());
  } catch (...) {
    return nullptr;
  }
}

// What a fault met on `c` means: marks `c` failed and says whether the database is away.
bool unavailableAfterFault(odb::pgsql::connection* c, const std::exception& e) {
  if (c != nullptr) c->mark_failed();
  return isDatabaseUnavailable(e) || (c != nullptr && lost(*c));
}

}  // namespace

bool isUnavailableSqlstate(const std::string& state) {
  // 25006: a read-only transaction, i.e. the connection reached a standby (a proxy that has
  // not yet seen a failover, or one that just started): the primary is away for now.
  return state.rfind("08", 0) == 0 || state.rfind("53", 0) == 0 || state == "57P01" ||
         state == "57P02" || state == "57P03" || state == "40001" || state == "40P01" ||
         state == "25006";
}

bool isDatabaseUnavailable(const std::exception& e) {
  if (dynamic_cast<const odb::recoverable*>(&e) != nullptr) return true;
  if (const auto* db = dynamic_cast<const odb::pgsql::database_exception*>(&e)) {
    return isUnavailableSqlstate(db->sqlstate());
  }
  return false;
}

bool takeConnectionLost() noexcept {
  const bool was = t_connection_lost;
  t_connection_lost = false;
  return was;
}

void markCurrentConnectionFailed() noexcept {
  if (auto* c = currentConnection()) c->mark_failed();
}

void rethrowDatabaseFault() {
  try {
    throw;
  } catch (const UnavailableError&) {
    markCurrentConnectionFailed();
    throw;
  } catch (const std::exception& e) {
    if (unavailableAfterFault(currentConnection(), e) || takeConnectionLost()) {
      throw UnavailableError(std::string("database unavailable: ") + e.what());
    }
    throw;
  } catch (...) {
    markCurrentConnectionFailed();
    throw;
  }
}

DbTransaction::DbTransaction(odb::pgsql::database& db)
    : uncaught_at_start_(std::uncaught_exceptions()) {
  t_connection_lost = false;
  try {
    if (open(db.connection())) return;
    // The pooled connection was dead: once more on a fresh one, outside the pool.
    if (open(odb::pgsql::connection_ptr(new odb::pgsql::connection(db)))) return;
  } catch (const std::exception& e) {
    // No connection could be had: the database is unreachable or refuses us.
    throw UnavailableError(std::string("database unavailable: ") + e.what());
  }
  throw UnavailableError("database unavailable: BEGIN failed on a fresh connection");
}

bool DbTransaction::open(const odb::pgsql::connection_ptr& connection) {
  try {
    tx_.reset(connection->begin());  // sends BEGIN
    connection_ = connection;
    return true;
  } catch (const std::exception& e) {
    if (!unavailableAfterFault(connection.get(), e)) throw;
    return false;
  }
}

DbTransaction::~DbTransaction() {
  if (tx_.finalized()) return;
  if (std::uncaught_exceptions() > uncaught_at_start_ && connection_) {
    connection_->mark_failed();
    if (lost(*connection_)) t_connection_lost = true;
  }
  try {
    tx_.rollback();
  } catch (...) {
    // The connection is gone; the server rolls back on its own. Never reuse it.
    if (connection_) connection_->mark_failed();
  }
}

void DbTransaction::commit() {
  try {
    tx_.commit();
  } catch (const std::exception& e) {
    if (unavailableAfterFault(connection_.get(), e)) {
      throw UnavailableError(std::string("database lost during commit: ") + e.what());
    }
    throw;
  }
}

}  // namespace authd
