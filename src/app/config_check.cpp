// `authd config check`: what an operator (or the systemd unit's ExecStartPre) runs before
// `authd serve`. It reads the same AUTH_* variables, reports every bad or missing one at once,
// then whether the database answers and its migrations suit this binary.
#include <cstdio>
#include <string>
#include <vector>

#include "app/commands.hpp"
#include "app/config.hpp"
#include "features/keys/infrastructure/crypto/master_key.hpp"
#include "shared/infrastructure/database.hpp"
#include "shared/infrastructure/migration_runner.hpp"

namespace authd::app {
namespace {

// The migrations' verdict for serve: empty when it would be ready.
std::vector<std::string> migrationProblems(const std::vector<MigrationRunner::Entry>& entries,
                                           bool migrate_on_start, std::FILE* out) {
  std::vector<std::string> problems;
  int applied = 0, pending = 0, newer = 0;
  for (const auto& e : entries) {
    switch (e.state) {
      case MigrationRunner::State::Applied:
        ++applied;
        break;
      case MigrationRunner::State::Pending:
        ++pending;
        break;
      case MigrationRunner::State::Compatible:
        ++newer;
        break;
      case MigrationRunner::State::Modified:
        problems.push_back("migration " + e.name +
                           " was edited after it was applied: restore the applied file");
        break;
      case MigrationRunner::State::Unknown:
        problems.push_back("the database has migration " + e.name +
                           ", which this binary does not know and which is not compatible "
                           "with it: run the newer binary");
        break;
    }
  }
  std::fprintf(out, "ok: migrations: %d applied, %d pending, %d newer and compatible\n", applied,
               pending, newer);
  if (pending > 0 && !migrate_on_start) {
    problems.push_back(std::to_string(pending) +
                       " migration(s) pending: run `authd migrate` first, or set "
                       "AUTH_MIGRATE_ON_START=1");
  }
  return problems;
}

}  // namespace

int configCheck(const Getenv& env, std::FILE* out) {
  std::vector<std::string> problems;
  Config c;
  bool config_ok = true;
  try {
    c = loadConfig(env);
  } catch (const ConfigError& e) {
    problems = e.problems;
    config_ok = false;
    // Go on with what can be read, to check the database too.
    try {
      c = loadConfig(env, false);
    } catch (const ConfigError&) {
    }
    c.database_url = env("AUTH_DATABASE_URL").value_or("");
  }
  if (config_ok) std::fprintf(out, "ok: every AUTH_* variable is valid\n");

  if (const auto key = env("AUTH_MASTER_KEY")) {
    if (!keys::infrastructure::MasterKey::fromBase64(*key)) {
      problems.push_back("AUTH_MASTER_KEY must be 32 bytes, base64-encoded");
    }
  } else if (!c.dev_mode) {
    problems.push_back("AUTH_MASTER_KEY is not set (only AUTH_DEV_MODE=1 may run without one)");
  }

  if (!c.database_url.empty()) {
    try {
      // A short wait: a check should answer at once, not after the serve's connect timeout.
      auto db = openDatabase(DatabaseConfig{c.database_url, 1, 5, "authd config check"});
      const auto entries = MigrationRunner(db, bundledMigrations()).status();
      std::fprintf(out, "ok: the database answers\n");
      for (auto& p : migrationProblems(entries, c.migrate_on_start, out)) {
        problems.push_back(std::move(p));
      }
    } catch (const std::exception& e) {
      // libpq's messages span lines: keep each finding on one.
      std::string why = e.what();
      for (char& ch : why) {
        if (ch == '\n' || ch == '\t') ch = ' ';
      }
      while (!why.empty() && why.back() == ' ') why.pop_back();
      problems.push_back("the database is unreachable: " + why);
    }
  }

  for (const auto& p : problems) std::fprintf(out, "error: %s\n", p.c_str());
  std::fprintf(
      out, problems.empty() ? "config check: ready to serve\n" : "config check: %zu problem(s)\n",
      problems.size());
  std::fflush(out);
  return problems.empty() ? 0 : 2;
}

}  // namespace authd::app
