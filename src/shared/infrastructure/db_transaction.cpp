#include "shared/infrastructure/db_transaction.hpp"

#include <odb/exceptions.hxx>
#include <odb/pgsql/exceptions.hxx>
#include <string>

#include "shared/core/errors.hpp"

namespace authd {

bool isDatabaseUnavailable(const std::exception& e) {
  if (dynamic_cast<const odb::recoverable*>(&e) != nullptr) return true;
  if (const auto* db = dynamic_cast<const odb::pgsql::database_exception*>(&e)) {
    const std::string& state = db->sqlstate();
    return state.rfind("08", 0) == 0 || state.rfind("53", 0) == 0 || state == "57P01" ||
           state == "57P02" || state == "57P03" || state == "40001";
  }
  return false;
}

void markCurrentConnectionFailed() noexcept {
  try {
    if (!odb::transaction::has_current()) return;
    static_cast<odb::pgsql::connection&>(odb::transaction::current().connection()).mark_failed();
  } catch (...) {
    // No current transaction after all: nothing to mark.
  }
}

DbTransaction::DbTransaction(odb::pgsql::database& db)
    : uncaught_at_start_(std::uncaught_exceptions()) {
  try {
    if (open(db.connection())) return;
  } catch (const odb::exception& e) {
    // No pooled connection could be had: the database is unreachable or refuses us.
    throw UnavailableError(std::string("database unavailable: ") + e.what());
  }
  try {
    // The pooled connection was dead: once more on a fresh one, outside the pool.
    if (open(odb::pgsql::connection_ptr(new odb::pgsql::connection(db)))) return;
  } catch (const odb::exception& e) {
    throw UnavailableError(std::string("database unavailable: ") + e.what());
  }
  throw UnavailableError("database unavailable: BEGIN failed on a fresh connection");
}

bool DbTransaction::open(const odb::pgsql::connection_ptr& connection) {
  try {
    tx_.reset(connection->begin());  // sends BEGIN
    connection_ = connection;
    return true;
  } catch (const odb::exception& e) {
    connection->mark_failed();
    if (!isDatabaseUnavailable(e)) throw;
    return false;
  }
}

DbTransaction::~DbTransaction() {
  if (tx_.finalized()) return;
  if (std::uncaught_exceptions() > uncaught_at_start_ && connection_) connection_->mark_failed();
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
    connection_->mark_failed();
    if (isDatabaseUnavailable(e)) {
      throw UnavailableError(std::string("database lost during commit: ") + e.what());
    }
    throw;
  }
}

}  // namespace authd
