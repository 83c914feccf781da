#include "shared/infrastructure/database.hpp"

#include <sodium.h>

#include <numeric>
#include <regex>
#include <stdexcept>

#include <odb/pgsql/connection-factory.hxx>

#include "database_status_record-odb.hxx"
#include "shared/infrastructure/db_transaction.hpp"

namespace authd {
std::string toConninfo(const DatabaseConfig& config) {
  if (config.url.empty()) {
    throw std::invalid_argument("database URL is empty");
  }
  const std::string timeout = std::to_string(config.connect_timeout_s);
  const bool uri =
      config.url.rfind("postgresql://", 0) == 0 || config.url.rfind("postgres://", 0) == 0;
  if (uri) {
    // ODB connects with PQconnectdb, which does not expand a URI given as dbname: append the
    // settings as URI query parameters instead.
    const char sep = config.url.find('?') == std::string::npos ? '?' : '&';
    return config.url + sep + "connect_timeout=" + timeout +
           "&options=-c%20TimeZone%3DUTC&application_name=" + config.application_name;
  }
  return config.url + " connect_timeout=" + timeout +
         " options='-c TimeZone=UTC' application_name=" + config.application_name;
}

std::string instanceApplicationName(std::size_t pool_size) {
  // Letters, digits and dots only: nothing to escape in a URI or a conninfo string.
  return "authd.p" + std::to_string(pool_size) + "." + std::to_string(randombytes_random());
}

std::optional<std::size_t> poolSizeOf(const std::string& application_name) {
  static const std::regex kName(R"(authd\.p([0-9]{1,6})\.[0-9]+)");
  std::smatch m;
  if (!std::regex_match(application_name, m, kName)) return std::nullopt;
  return static_cast<std::size_t>(std::stoul(m[1]));
}

ConnectionBudget readConnectionBudget(odb::pgsql::database& db, const std::string& own) {
  DbTransaction tx(db);
  ConnectionBudget b;
  for (const auto& limits : db.query<records::ConnectionLimits>()) {
    b.max_connections = limits.max_connections;
    b.reserved = limits.reserved;
    b.other_clients = limits.other_clients;
  }
  for (const auto& instance : db.query<records::ConnectedInstance>()) {
    if (instance.application_name == own) continue;
    if (const auto pool = poolSizeOf(instance.application_name)) b.other_pools.push_back(*pool);
  }
  tx.commit();
  return b;
}

std::optional<std::string> connectionBudgetWarning(const ConnectionBudget& budget,
                                                   std::size_t pool_size) {
  const long long available = budget.max_connections - budget.reserved;
  const long long others = std::accumulate(budget.other_pools.begin(), budget.other_pools.end(),
                                           static_cast<long long>(0));
  const long long wanted = budget.other_clients + others + static_cast<long long>(pool_size);
  if (wanted <= available) return std::nullopt;
  return "database connections may run out: this instance's pool (AUTH_DB_POOL_SIZE=" +
         std::to_string(pool_size) + ") + " + std::to_string(budget.other_pools.size()) +
         " other authd instance(s) with pools of " + std::to_string(others) + " in all + " +
         std::to_string(budget.other_clients) +
         " other client connection(s) = " + std::to_string(wanted) +
         ", over max_connections - superuser_reserved_connections = " + std::to_string(available) +
         ". Lower AUTH_DB_POOL_SIZE or raise max_connections (docs/deployment.md, Sizing).";
}

std::shared_ptr<odb::pgsql::database> openDatabase(const DatabaseConfig& config) {
  const std::size_t max = config.pool_size == 0 ? 1 : config.pool_size;
  std::unique_ptr<odb::pgsql::connection_factory> pool(
      new odb::pgsql::connection_pool_factory(max, 0));
  return std::make_shared<odb::pgsql::database>(toConninfo(config), std::move(pool));
}

}  // namespace authd
