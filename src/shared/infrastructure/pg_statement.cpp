#include "shared/infrastructure/pg_statement.hpp"

#include <poll.h>

#include <atomic>
#include <cerrno>
#include <charconv>
#include <stdexcept>
#include <vector>

#include <odb/pgsql/connection.hxx>

#include "shared/core/errors.hpp"
#include "shared/infrastructure/db_transaction.hpp"

namespace authd {
namespace {

std::atomic<int> g_in_use{0};

struct Held {
  Held() { g_in_use.fetch_add(1, std::memory_order_relaxed); }
  ~Held() { g_in_use.fetch_sub(1, std::memory_order_relaxed); }
  Held(const Held&) = delete;
  Held& operator=(const Held&) = delete;
};

std::string sqlstateOf(const PGresult* r) {
  const char* s = r != nullptr ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
  return s != nullptr ? s : "";
}

// The server's primary message only: DETAIL and CONTEXT can quote the row or the JSON sent
// (a "Failing row contains (...)" would hold the password hash), and this text is logged.
std::string primaryMessage(const PGresult* r) {
  const char* m = r != nullptr ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
  return m != nullptr ? m : "no message";
}

// Done: the server answered. Unused: the connection was dead or not idle before anything was
// sent, or the server refused the statement unrun because the statement prepared on this
// connection went stale (below). Dead: it died while the statement was out (a write may have
// landed).
enum class Outcome { Done, Unused, Dead };

struct Attempt {
  Outcome outcome;
  PGresult* result;  // owned by the caller when Done
};

// An idle connection has nothing to read. A server that ended the session while it sat in the
// pool (a restart, a failover, pg_terminate_backend) left its FATAL message and the end of the
// stream there, and libpq only finds out on its next read: after a statement was sent, too
// late to tell whether a write landed. Anything else waiting (a rare asynchronous message)
// costs one fresh connection, nothing more. A connection just opened has had no time to be
// ended, so only pooled ones are asked.
bool nothingToRead(PGconn* h) {
  pollfd p{PQsocket(h), POLLIN, 0};
  if (p.fd < 0) return false;
  int n = 0;
  do {
    n = ::poll(&p, 1, 0);
  } while (n < 0 && errno == EINTR);
  return n == 0;
}

// `pooled`: a connection from the pool, not one just opened for the one retry.
Attempt send(odb::pgsql::connection& c, const PgStatement& st, const std::vector<const char*>& v,
             bool pooled) {
  PGconn* h = c.handle();
  // A pooled connection is idle between transactions. Should one ever come back inside a
  // transaction, a statement here would never commit (and hold its locks): refuse it.
  if (PQstatus(h) == CONNECTION_BAD || PQtransactionStatus(h) != PQTRANS_IDLE ||
      (pooled && !nothingToRead(h))) {
    return {Outcome::Unused, nullptr};
  }
  const int n = static_cast<int>(v.size());
  PGresult* r = PQexecPrepared(h, st.name, n, v.data(), nullptr, nullptr, 0);
  if (r != nullptr && PQresultStatus(r) == PGRES_FATAL_ERROR && sqlstateOf(r) == "26000") {
    // Not prepared on this connection yet: a fresh connection, or the pool's first use of it.
    PQclear(r);
    r = nullptr;
    PGresult* p = PQprepare(h, st.name, st.sql, n, nullptr);
    const bool prepared = p != nullptr && PQresultStatus(p) == PGRES_COMMAND_OK;
    if (prepared) {
      PQclear(p);
      r = PQexecPrepared(h, st.name, n, v.data(), nullptr, nullptr, 0);
    } else {
      r = p;  // judged below like any failed statement
    }
  }
  if (PQstatus(h) == CONNECTION_BAD) {
    PQclear(r);
    return {Outcome::Dead, nullptr};
  }
  // A column's type changed since this connection prepared the statement (a migration while
  // the instance runs): PostgreSQL refuses every run of it with "cached plan must not change
  // result type" before running anything, for as long as the connection lives. A fresh
  // connection prepares it anew; there, the same error is judged like any other.
  if (pooled && r != nullptr && PQresultStatus(r) == PGRES_FATAL_ERROR &&
      sqlstateOf(r) == "0A000") {
    PQclear(r);
    return {Outcome::Unused, nullptr};
  }
  return {Outcome::Done, r};
}

}  // namespace

int statementConnectionsInUse() { return g_in_use.load(std::memory_order_relaxed); }

long long PgRows::affected() const {
  const char* n = PQcmdTuples(result_.get());
  return n != nullptr && *n != '\0' ? bigintOf(n) : 0;
}

std::int64_t bigintOf(std::string_view text) {
  std::int64_t v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size()) {
    throw std::runtime_error("expected an integer column");
  }
  return v;
}

PgRows runStatement(odb::pgsql::database& db, const PgStatement& statement,
                    std::initializer_list<std::optional<std::string_view>> params) {
  // libpq takes NUL-terminated text parameters. `owned` never reallocates (reserved), so the
  // pointers into it stay valid.
  std::vector<std::string> owned;
  owned.reserve(params.size());
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const auto& p : params) {
    if (p && p->find('\0') != std::string_view::npos) {
      throw std::invalid_argument("a statement parameter holds a NUL byte");
    }
    values.push_back(p ? owned.emplace_back(*p).c_str() : nullptr);
  }

  const Held held;
  odb::pgsql::connection_ptr connection;
  Attempt a{Outcome::Dead, nullptr};
  try {
    connection = db.connection();
    a = send(*connection, statement, values, true);
    if (a.outcome != Outcome::Done) {
      connection->mark_failed();
      if (a.outcome == Outcome::Dead && !statement.read_only) {
        throw UnavailableError("database lost during a write");
      }
      // Nothing was sent or run, or only a read: once more on a fresh connection, outside the
      // pool.
      connection.reset(new odb::pgsql::connection(db));
      a = send(*connection, statement, values, false);
      if (a.outcome != Outcome::Done) throw UnavailableError("database unavailable");
    }
  } catch (const UnavailableError&) {
    if (connection) connection->mark_failed();
    throw;
  } catch (const std::exception& e) {
    // No connection could be had (ODB's exceptions derive from std::exception only).
    if (connection) connection->mark_failed();
    throw UnavailableError(std::string("database unavailable: ") + e.what());
  }
  PgRows rows(a.result);
  const auto status = a.result != nullptr ? PQresultStatus(a.result) : PGRES_FATAL_ERROR;
  const bool idle = PQtransactionStatus(connection->handle()) == PQTRANS_IDLE;
  if ((status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK) && idle) return rows;
  const std::string state = sqlstateOf(a.result);
  if (!idle || a.result == nullptr || isUnavailableSqlstate(state)) {
    connection->mark_failed();
    throw UnavailableError(std::string("database unavailable: ") + statement.name + " SQLSTATE " +
                           state);
  }
  throw std::runtime_error(std::string(statement.name) + " failed: SQLSTATE " + state + ": " +
                           primaryMessage(a.result));
}

}  // namespace authd
