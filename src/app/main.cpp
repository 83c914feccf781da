#include <spdlog/spdlog.h>

#include <cstdio>
#include <string>

#include <CLI/CLI.hpp>

#include "app/commands.hpp"
#include "app/config.hpp"
#include "authd_version.hpp"
#include "shared/infrastructure/logging.hpp"

namespace {

// Each subcommand's --help reads like a man page: what it does (the description), then the
// sections below (CLI11 prints the footer last).
constexpr const char* kEnvironment =
    "ENVIRONMENT\n"
    "  Configured by AUTH_* variables only (README.md, \"Configuration\"); the packaged service\n"
    "  reads them from /etc/authd/authd.env. AUTH_DATABASE_URL names the PostgreSQL database.\n"
    "  AUTH_MASTER_KEY (32 bytes, base64) unseals the signing keys; every instance needs the\n"
    "  same one.\n";

std::string footer(const std::string& exit_status, const std::string& more = "") {
  return "\n" + more + kEnvironment + "\nEXIT STATUS\n" + exit_status +
         "\nSEE ALSO\n  authd config check, README.md and docs/ in /usr/share/doc/authd\n";
}

constexpr const char* kCommonExit =
    "  0  done\n  1  failed (the log says why)\n  2  bad configuration or usage\n";

}  // namespace

int main(int argc, char** argv) {
  CLI::App cli{
      "authd: authentication and identity service. Registers, logs in, refreshes and logs out\n"
      "users, and signs EdDSA access tokens that other services verify offline from its JWKS."};
  cli.name("authd");
  cli.require_subcommand(1);
  cli.set_version_flag("--version",
                       std::string("authd ") + AUTHD_VERSION + " (git " + AUTHD_GIT_COMMIT + ")",
                       "print the version and the git commit it was built from");
  cli.footer(footer(kCommonExit, "COMMANDS\n  Each command has its own --help.\n\n"));

  auto* serve = cli.add_subcommand(
      "serve",
      "Serve the HTTP API on AUTH_LISTEN until SIGTERM or SIGINT, then drain: new requests get\n"
      "503 and /readyz fails while requests in flight finish (up to 10 s).");
  serve->footer(
      footer("  0  stopped by a signal\n  1  failed to start (the log says why)\n"
             "  2  bad configuration: every bad variable is logged\n"));

  auto* migrate = cli.add_subcommand(
      "migrate",
      "Apply the pending database migrations compiled into this binary, all in one transaction\n"
      "under an advisory lock (instances starting together apply each once).");
  migrate->footer(footer(kCommonExit));
  auto* status = migrate->add_subcommand(
      "status",
      "List every migration as applied, pending, MODIFIED, newer (applied by a newer release\n"
      "and compatible with this binary) or UNKNOWN.");
  status->footer(
      footer("  0  the schema suits this binary\n  1  failed\n"
             "  2  bad configuration\n  3  not current\n"));

  auto* config = cli.add_subcommand("config", "Configuration tools.");
  config->require_subcommand(1);
  config->footer(footer(kCommonExit));
  auto* check = config->add_subcommand(
      "check",
      "Read the same AUTH_* variables as serve and report every bad or missing one at once,\n"
      "then whether the database answers and its migrations suit this binary. Prints one\n"
      "\"ok:\" or \"error:\" line per finding. The packaged unit runs it before serve.");
  check->footer(
      footer("  0  serve would start and be ready\n"
             "  2  at least one \"error:\" line\n"));

  std::string email, role;
  auto* grant =
      cli.add_subcommand("grant-role", "Grant a role to the live account with this email.");
  grant->add_option("EMAIL", email, "account email")->required();
  grant->add_option("ROLE", role, "role name: admin (user is every account's base role)")
      ->required();
  grant->footer(footer(kCommonExit));

  auto* rotate_keys = cli.add_subcommand(
      "rotate-keys",
      "Publish a new Ed25519 signing key at once; it signs after AUTH_KEY_ACTIVATION_DELAY\n"
      "(with --now at once) and the key it replaces stays published until its tokens expire.\n"
      "Running instances pick it up within AUTH_KEY_RELOAD_INTERVAL.");
  bool rotate_now = false;
  rotate_keys->add_flag("--now", rotate_now, "sign with the new key at once (after a compromise)");
  rotate_keys->footer(footer(kCommonExit));

  std::string kid;
  auto* revoke_key = cli.add_subcommand(
      "revoke-key",
      "After a compromise: remove a signing key that is not the active one from the JWKS and\n"
      "from verification (revoke the active key by rotate-keys --now first).");
  // A kid is base64url, so one in 64 starts with '-', which CLI11 reads as an option: such a
  // kid goes after `--`.
  revoke_key->add_option("KID", kid, "the key's kid (after -- when it starts with '-')")
      ->required();
  revoke_key->footer(footer(kCommonExit));

  auto* rotate_secrets = cli.add_subcommand(
      "rotate-secrets",
      "Replace the digest keys with random ones. Ends every session, unused mail link,\n"
      "pending MFA login and lockout count; restart every instance afterwards.");
  rotate_secrets->footer(footer(kCommonExit));

  auto* rotate_master = cli.add_subcommand(
      "rotate-master-key",
      "Re-seal every private key, server secret, unsent mail and TOTP secret from\n"
      "AUTH_MASTER_KEY to AUTH_NEW_MASTER_KEY in one transaction; then restart every instance\n"
      "with the new key.");
  rotate_master->footer(footer(kCommonExit));
  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help and --version end here with 0; a usage error is 2, as every --help says.
    return cli.exit(e) == 0 ? 0 : 2;
  }

  const auto env = authd::app::processEnvironment();
  if (*check) return authd::app::configCheck(env, stdout);
  try {
    const auto config = authd::app::loadConfig(env);
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
    // One line per bad variable, each naming it.
    for (const auto& problem : e.problems) spdlog::critical("configuration: {}", problem);
    return 2;
  }
  return 2;
}
