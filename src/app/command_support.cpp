#include "app/command_support.hpp"

#include <spdlog/spdlog.h>

#include "shared/infrastructure/database.hpp"

namespace authd::app {

std::shared_ptr<odb::pgsql::database> database(const Config& c,
                                               const std::string& application_name) {
  return openDatabase(
      DatabaseConfig{c.database_url, c.db_pool_size, c.db_connect_timeout_s, application_name});
}

std::optional<keys::infrastructure::MasterKey> masterKey(const Config& c) {
  using keys::infrastructure::MasterKey;
  if (c.master_key) {
    auto key = MasterKey::fromBase64(*c.master_key);
    if (!key) spdlog::critical("AUTH_MASTER_KEY must be 32 bytes, base64-encoded");
    return key;
  }
  if (!c.dev_mode) {
    spdlog::critical("AUTH_MASTER_KEY is not set (only AUTH_DEV_MODE=1 may run without one)");
    return std::nullopt;
  }
  spdlog::warn("**************************************************************************");
  spdlog::warn("AUTH_DEV_MODE=1 and no AUTH_MASTER_KEY: using a PUBLIC development key.");
  spdlog::warn("Signing keys sealed with it protect nothing. Never run like this in production.");
  spdlog::warn("**************************************************************************");
  return MasterKey::developmentKey();
}

int runCommand(const char* what, const std::function<int()>& command) {
  try {
    return command();
  } catch (const std::exception& e) {
    spdlog::critical("{} failed: {}", what, e.what());
    return 1;
  }
}

}  // namespace authd::app
