#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>

#include "app/commands.hpp"
#include "app/config.hpp"
#include "shared/infrastructure/logging.hpp"

int main(int argc, char** argv) {
  CLI::App cli{"authd: authentication and identity service"};
  cli.require_subcommand(1);
  auto* serve = cli.add_subcommand("serve", "Serve the HTTP API (configured by AUTH_* variables)");
  auto* migrate = cli.add_subcommand("migrate", "Apply pending database migrations");
  auto* status = migrate->add_subcommand("status", "List migrations and whether each is applied");
  std::string email, role;
  auto* grant = cli.add_subcommand("grant-role", "Grant a role to the account with this email");
  grant->add_option("EMAIL", email, "account email")->required();
  grant->add_option("ROLE", role, "role name, e.g. admin")->required();
  auto* rotate_keys = cli.add_subcommand(
      "rotate-keys",
      "Make a new Ed25519 signing key active; the old one stays published until its tokens expire");
  auto* rotate_master = cli.add_subcommand(
      "rotate-master-key",
      "Re-seal every private key and secret from AUTH_MASTER_KEY to AUTH_NEW_MASTER_KEY");
  CLI11_PARSE(cli, argc, argv);

  try {
    const auto config = authd::app::loadConfig(authd::app::processEnvironment());
    authd::setupLogging(config.log_format, config.log_level);
    if (*serve) return authd::app::serve(config);
    if (*status) return authd::app::migrateStatus(config);
    if (*migrate) return authd::app::migrate(config);
    if (*grant) return authd::app::grantRole(config, email, role);
    if (*rotate_keys) return authd::app::rotateKeys(config);
    if (*rotate_master) return authd::app::rotateMasterKey(config);
  } catch (const authd::app::ConfigError& e) {
    spdlog::critical("configuration: {}", e.what());
    return 2;
  }
  return 2;
}
