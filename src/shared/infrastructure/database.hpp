#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <odb/pgsql/database.hxx>

namespace authd {

struct DatabaseConfig {
  std::string url;             // postgresql://user:pass@host:port/db (or any libpq conninfo)
  std::size_t pool_size = 8;   // connections kept at most
  int connect_timeout_s = 10;  // libpq connect_timeout
  // Names the process's connections in pg_stat_activity (instanceApplicationName for serve).
  std::string application_name = "authd";
};

// The process's one pooled database handle. Every connection uses UTC as its session time
// zone. Throws std::invalid_argument for an empty URL.
std::shared_ptr<odb::pgsql::database> openDatabase(const DatabaseConfig& config);

// libpq conninfo for `config` (exposed for tests): the URL (URI or key=value form) plus
// connect_timeout, the UTC time zone option and the application name.
std::string toConninfo(const DatabaseConfig& config);

// Several instances share one server's max_connections. Each `authd serve` names its
// connections "authd.p<pool size>.<random id>", so an instance starting can see what the
// others already claim and warn when the pools together would not fit.
std::string instanceApplicationName(std::size_t pool_size);
// The pool size in such a name; nullopt for any other name.
std::optional<std::size_t> poolSizeOf(const std::string& application_name);

struct ConnectionBudget {
  int max_connections = 0;               // the server's setting
  int reserved = 0;                      // superuser_reserved_connections: not authd's to use
  long long other_clients = 0;           // connections of anything that is not authd serve
  std::vector<std::size_t> other_pools;  // the pool size of every other authd instance connected
};

// Reads the budget as the server sees it now, leaving out the instance named `own`.
// Throws like any query when the database is unreachable.
ConnectionBudget readConnectionBudget(odb::pgsql::database& db, const std::string& own);

// The warning to log when this instance's pool and the other instances' pools, with the other
// clients' connections, exceed max_connections - superuser_reserved_connections.
std::optional<std::string> connectionBudgetWarning(const ConnectionBudget& budget,
                                                   std::size_t pool_size);

}  // namespace authd
