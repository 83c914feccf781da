#include "shared/infrastructure/database.hpp"

#include <stdexcept>

#include <odb/pgsql/connection-factory.hxx>

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
           "&options=-c%20TimeZone%3DUTC&application_name=authd";
  }
  return config.url + " connect_timeout=" + timeout +
         " options='-c TimeZone=UTC' application_name=authd";
}

std::shared_ptr<odb::pgsql::database> openDatabase(const DatabaseConfig& config) {
  const std::size_t max = config.pool_size == 0 ? 1 : config.pool_size;
  std::unique_ptr<odb::pgsql::connection_factory> pool(
      new odb::pgsql::connection_pool_factory(max, 0));
  return std::make_shared<odb::pgsql::database>(toConninfo(config), std::move(pool));
}

}  // namespace authd
