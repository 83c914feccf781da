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
      "Publish a new Ed25519 signing key; it signs after AUTH_KEY_ACTIVATION_DELAY (with --now at "
      "once) and the old one stays published until its tokens expire");
  bool rotate_now = false;
  rotate_keys->add_flag("--now", rotate_now, "sign with the new key at once (after a compromise)");
  std::string kid;
  auto* revoke_key = cli.add_subcommand(
      "revoke-key",
      "Remove a signing key from the JWKS and from verification (after a compromise)");
  revoke_key->add_option("KID", kid, "the key's kid")->required();
  auto* rotate_secrets = cli.add_subcommand(
      "rotate-secrets",
      "Replace the digest keys with random ones; ends every session (restart every instance)");
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
    if (*rotate_keys) return authd::app::rotateKeys(config, rotate_now);
    if (*revoke_key) return authd::app::revokeKey(config, kid);
    if (*rotate_secrets) return authd::app::rotateSecrets(config);
    if (*rotate_master) return authd::app::rotateMasterKey(config);
  } catch (const authd::app::ConfigError& e) {
    spdlog::critical("configuration: {}", e.what());
    return 2;
  }
  return 2;
}
