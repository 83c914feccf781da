// One SQL statement outside any transaction, for the hottest paths. A single statement is atomic
// and reads one snapshot on its own, so a read of one row, or a write guarded by a version
// check, needs no BEGIN and COMMIT around it: two round trips fewer. ODB runs statements only
// inside a transaction, so this goes through libpq on a connection from the process's one ODB
// pool (odb::pgsql::connection::handle()); nothing else holds a second pool.
#pragma once

#include <libpq-fe.h>

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <odb/pgsql/database.hxx>

namespace authd {

// A statement prepared once per connection under `name` (unique in the process, and unlike
// any ODB statement name: "authd_fast_*").
struct PgStatement {
  const char* name;
  const char* sql;
  bool read_only;  // may be sent again on a fresh connection when the pooled one was dead
};

// The rows a statement answered, in libpq's text format. Owns the PGresult.
class PgRows {
 public:
  explicit PgRows(PGresult* result) : result_(result, &PQclear) {}
  int rows() const { return PQntuples(result_.get()); }
  bool null(int row, int column) const { return PQgetisnull(result_.get(), row, column) != 0; }
  std::string_view text(int row, int column) const {
    return {PQgetvalue(result_.get(), row, column),
            static_cast<std::size_t>(PQgetlength(result_.get(), row, column))};
  }
  // Rows an INSERT/UPDATE/DELETE touched.
  long long affected() const;

 private:
  std::unique_ptr<PGresult, void (*)(PGresult*)> result_;
};

// Runs `statement` with text parameters (nullopt: SQL NULL) on a pooled connection, outside any
// transaction; it commits when it returns. Faults are contained like DbTransaction's:
// - the statement is prepared on a connection the first time it runs there (SQLSTATE 26000);
// - a pooled connection found dead before anything was sent (the server ended it while it was
//   pooled: its socket has the end of the stream to read), or not idle (inside a transaction),
//   is dropped, and the statement, a write too, goes once to a fresh connection; so is one
//   whose prepared statement went stale (a column's type changed under it: SQLSTATE 0A000,
//   refused before anything ran);
// - a connection that dies while the statement is out is dropped; a read-only statement is then
//   sent once more on a fresh connection, a write is not (it may have landed) and throws
//   UnavailableError;
// - the database unreachable, shutting down, out of connections, a deadlock, or a standby
//   refusing a write (isDatabaseUnavailable's SQLSTATEs and 40P01): UnavailableError, and the
//   connection is dropped;
// - any other error throws std::runtime_error with the SQLSTATE and the server's primary
//   message only (its detail can quote the row); the connection, idle, stays pooled.
// Never call it while the thread has a UnitOfWork transaction open that must see the write.
PgRows runStatement(odb::pgsql::database& db, const PgStatement& statement,
                    std::initializer_list<std::optional<std::string_view>> params);

// Connections runStatement holds now (the /metrics pool gauge adds them).
int statementConnectionsInUse();

// Parses a bigint column; throws std::runtime_error on anything else.
std::int64_t bigintOf(std::string_view text);

}  // namespace authd
