// `authd config check`: what an operator (or the systemd unit's ExecStartPre) runs before
// `authd serve`. It reads the same AUTH_* variables, reports every bad or missing one at once,
// then whether the database answers and its migrations suit this binary.
#include <cctype>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "app/commands.hpp"
#include "app/config.hpp"
#include "app/wiring.hpp"
#include "features/keys/infrastructure/crypto/master_key.hpp"
#include "features/keys/infrastructure/persistence/odb_signing_key_store.hpp"
#include "shared/core/errors.hpp"
#include "shared/infrastructure/database.hpp"
#include "shared/infrastructure/migration_runner.hpp"
#include "shared/infrastructure/sodium_random_source.hpp"
#include "shared/infrastructure/system_clock.hpp"

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

// The password of a postgresql:// URL (user:password@), raw and percent-decoded: libpq quotes
// parts of a malformed URL in its errors, and a check's output must never carry a secret.
std::vector<std::string> passwordsIn(const std::string& url) {
  const auto scheme = url.find("://");
  if (scheme == std::string::npos) {  // key=value form: password=secret or password='se cret'
    const auto at = url.find("password=");
    if (at == std::string::npos) return {};
    const auto start = at + 9;
    const bool quoted = start < url.size() && url[start] == '\'';
    const auto end = quoted ? url.find('\'', start + 1) : url.find(' ', start);
    const auto from = quoted ? start + 1 : start;
    std::string value = url.substr(from, end == std::string::npos ? std::string::npos : end - from);
    return value.empty() ? std::vector<std::string>{} : std::vector<std::string>{value};
  }
  const auto at = url.find('@', scheme + 3);
  const auto colon = url.find(':', scheme + 3);
  if (at == std::string::npos || colon == std::string::npos || colon > at) return {};
  const std::string raw = url.substr(colon + 1, at - colon - 1);
  std::string decoded;
  for (std::size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] == '%' && i + 2 < raw.size() &&
        std::isxdigit(static_cast<unsigned char>(raw[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(raw[i + 2]))) {
      decoded += static_cast<char>(std::stoi(raw.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      decoded += raw[i];
    }
  }
  std::vector<std::string> out;
  for (const auto& p : {raw, decoded}) {
    if (!p.empty()) out.push_back(p);
  }
  return out;
}

std::string redacted(std::string text, const std::vector<std::string>& secrets) {
  for (const auto& secret : secrets) {
    for (auto at = text.find(secret); at != std::string::npos; at = text.find(secret, at + 3)) {
      text.replace(at, secret.size(), "***");
    }
  }
  return text;
}

}  // namespace

int configCheck(const Getenv& env, std::FILE* out) {
  auto read = readConfig(env);
  std::vector<std::string> problems = std::move(read.problems);
  const Config& c = read.config;  // bad values at their defaults: the rest is still checked
  if (problems.empty()) std::fprintf(out, "ok: every AUTH_* variable is valid\n");

  using keys::infrastructure::MasterKey;
  const auto key_text = env("AUTH_MASTER_KEY");
  const std::optional<MasterKey> master = [&]() -> std::optional<MasterKey> {
    if (key_text) return MasterKey::fromBase64(*key_text);
    if (c.dev_mode) return MasterKey::developmentKey();
    return std::nullopt;
  }();
  if (key_text && !master) problems.push_back("AUTH_MASTER_KEY must be 32 bytes, base64-encoded");
  if (!key_text && !c.dev_mode) {
    problems.push_back("AUTH_MASTER_KEY is not set (only AUTH_DEV_MODE=1 may run without one)");
  }

  if (!c.database_url.empty()) {
    try {
      // A short wait: a check should answer at once, not after the serve's connect timeout.
      // No spaces in the name: it goes into a key=value conninfo unquoted.
      auto db = openDatabase(DatabaseConfig{c.database_url, 1, 5, "authd-config-check"});
      const auto entries = MigrationRunner(db, bundledMigrations()).status();
      std::fprintf(out, "ok: the database answers\n");
      for (auto& p : migrationProblems(entries, c.migrate_on_start, out)) {
        problems.push_back(std::move(p));
      }
      const bool current = MigrationRunner::isCurrent(entries);
      // The master key must open this database's signing keys, or serve fails at start. (With
      // none yet, this makes the first one, as serve would.)
      if (master && current) {
        SodiumRandomSource random;
        SystemClock clock;
        try {
          keys::infrastructure::OdbSigningKeyStore(db, *master, random, clock, keyRetention(c))
              .loadOrCreate();
          std::fprintf(out, "ok: AUTH_MASTER_KEY opens the signing keys\n");
        } catch (const UnavailableError&) {
          throw;
        } catch (const std::exception&) {
          problems.push_back(
              "AUTH_MASTER_KEY does not open this database's signing keys: it is not the key "
              "the other instances use");
        }
      }
    } catch (const std::exception& e) {
      // libpq's messages span lines: keep each finding on one.
      std::string why = e.what();
      for (char& ch : why) {
        if (ch == '\n' || ch == '\t') ch = ' ';
      }
      while (!why.empty() && why.back() == ' ') why.pop_back();
      problems.push_back("the database is unreachable: " +
                         redacted(why, passwordsIn(c.database_url)));
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
