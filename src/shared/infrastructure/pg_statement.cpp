#include "shared/infrastructure/pg_statement.hpp"

#include <charconv>
#include <stdexcept>
#include <vector>

#include <odb/pgsql/connection.hxx>

#include "shared/core/errors.hpp"

namespace authd {
namespace {

std::string sqlstateOf(const PGresult* r) {
  const char* s = PQresultErrorField(r, PG_DIAG_SQLSTATE);
  return s != nullptr ? s : "";
}

// The classes isDatabaseUnavailable names (DbTransaction's rule), for a libpq result.
bool unavailableState(const std::string& s) {
  return s.rfind("08", 0) == 0 || s.rfind("53", 0) == 0 || s == "57P01" || s == "57P02" ||
         s == "57P03" || s == "40001" || s == "25006";
}

enum class Outcome { Done, Dead };

struct Attempt {
  Outcome outcome;
  PGresult* result;  // owned by the caller when Done
};

Attempt send(odb::pgsql::connection& c, const PgStatement& st, const std::vector<const char*>& v) {
  PGconn* h = c.handle();
  const int n = static_cast<int>(v.size());
  PGresult* r = PQexecPrepared(h, st.name, n, v.data(), nullptr, nullptr, 0);
  if (r != nullptr && PQresultStatus(r) == PGRES_FATAL_ERROR && sqlstateOf(r) == "26000") {
    // Not prepared on this connection yet: a fresh connection, or the pool's first use of it.
    PQclear(r);
    PGresult* p = PQprepare(h, st.name, st.sql, n, nullptr);
    const bool prepared = p != nullptr && PQresultStatus(p) == PGRES_COMMAND_OK;
    if (!prepared && PQstatus(h) != CONNECTION_BAD) {
      const std::string message = p != nullptr ? PQresultErrorMessage(p) : PQerrorMessage(h);
      PQclear(p);
      throw std::runtime_error(std::string("preparing ") + st.name + ": " + message);
    }
    PQclear(p);
    r = prepared ? PQexecPrepared(h, st.name, n, v.data(), nullptr, nullptr, 0) : nullptr;
  }
  if (PQstatus(h) == CONNECTION_BAD) {
    PQclear(r);
    return {Outcome::Dead, nullptr};
  }
  return {Outcome::Done, r};
}

}  // namespace

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

  odb::pgsql::connection_ptr connection;
  try {
    connection = db.connection();
  } catch (const std::exception& e) {
    throw UnavailableError(std::string("database unavailable: ") + e.what());
  }
  Attempt a{Outcome::Dead, nullptr};
  try {
    a = send(*connection, statement, values);
    if (a.outcome == Outcome::Dead) {
      connection->mark_failed();
      if (!statement.read_only) throw UnavailableError("database lost during a write");
      // Nothing was read: once more on a fresh connection, outside the pool.
      connection.reset(new odb::pgsql::connection(db));
      a = send(*connection, statement, values);
      if (a.outcome == Outcome::Dead) throw UnavailableError("database unavailable");
    }
  } catch (const UnavailableError&) {
    if (connection) connection->mark_failed();
    throw;
  } catch (const std::runtime_error&) {
    throw;
  } catch (const std::exception& e) {
    // A fresh connection could not be had (odb::pgsql exceptions derive from std::exception).
    if (connection) connection->mark_failed();
    throw UnavailableError(std::string("database unavailable: ") + e.what());
  }
  PgRows rows(a.result);
  if (a.result == nullptr) {
    connection->mark_failed();
    throw UnavailableError("database unavailable: no result");
  }
  const auto status = PQresultStatus(a.result);
  if (status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK) return rows;
  const std::string state = sqlstateOf(a.result);
  if (unavailableState(state)) {
    connection->mark_failed();
    throw UnavailableError("database unavailable: SQLSTATE " + state);
  }
  throw std::runtime_error(std::string(statement.name) + " failed: SQLSTATE " + state + ": " +
                           PQresultErrorMessage(a.result));
}

}  // namespace authd
