#pragma once

#include <memory>
#include <string>

#include <odb/pgsql/database.hxx>

namespace authd {

struct DatabaseConfig {
  std::string url;             // postgresql://user:pass@host:port/db (or any libpq conninfo)
  std::size_t pool_size = 8;   // connections kept at most
  int connect_timeout_s = 10;  // libpq connect_timeout
};

// The process's one pooled database handle. Every connection uses UTC as its session time
// zone. Throws std::invalid_argument for an empty URL.
std::shared_ptr<odb::pgsql::database> openDatabase(const DatabaseConfig& config);

// libpq conninfo for `config` (exposed for tests): the URL (URI or key=value form) plus
// connect_timeout and the UTC time zone option.
std::string toConninfo(const DatabaseConfig& config);

}  // namespace authd
