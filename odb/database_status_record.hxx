// Read-only views of the server's own state (ODB compiler input only).
#pragma once

#include <string>

#include <odb/core.hxx>
#include <odb/nullable.hxx>

namespace authd::records {

// The connection limits non-superusers share. superuser_reserved_connections is left out of
// max_connections: authd should not count on those. Without pg_read_all_stats, another role's
// session shows a NULL backend_type: a row with a database is counted as a client then (an
// autovacuum worker may be counted too: the estimate errs on the safe side).
#pragma db view query(                                                                  \
    "SELECT current_setting('max_connections')::int, "                                  \
    "current_setting('superuser_reserved_connections')::int, "                          \
    "(SELECT count(*) FROM pg_stat_activity WHERE (backend_type = 'client backend' OR " \
    "(backend_type IS NULL AND datid IS NOT NULL)) "                                    \
    "AND coalesce(application_name, '') NOT LIKE 'authd.p%' AND pid <> pg_backend_pid())")
struct ConnectionLimits {
  int max_connections = 0;
  int reserved = 0;
  long long other_clients = 0;
};

// One row per connected authd instance (application names authd.p<pool>.<id>).
#pragma db view query(                                        \
    "SELECT DISTINCT application_name FROM pg_stat_activity " \
    "WHERE application_name LIKE 'authd.p%'")
struct ConnectedInstance {
  std::string application_name;
};

}  // namespace authd::records
