#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "features/users/domain/session.hpp"
#include "shared/presentation/client_address.hpp"

namespace authd::app {

// Everything `authd serve` reads from the environment (contract, "Configuration").
// The host of a URL, without user info or port ("https://u@auth.example.com:8443/x" ->
// "auth.example.com"; an IPv6 literal keeps its brackets).
std::string hostOf(const std::string& url);

struct Config {
  std::string database_url;
  std::string listen_host = "127.0.0.1";
  std::uint16_t listen_port = 8080;
  int threads = 2;
  std::size_t db_pool_size = 4;
  int db_connect_timeout_s = 10;
  std::string issuer = "http://127.0.0.1:8080";
  std::string audience = "authd";
  Seconds access_ttl{900};
  users::domain::SessionPolicy sessions;
  unsigned long long argon2_opslimit = 2;
  std::size_t argon2_memlimit = 64u << 20;
  int login_max_fails = 5;  // 0: no lockout
  Seconds login_window{900};
  int rate_limit_per_ip = 60;                 // register, login, refresh per minute; 0: off
  int hash_concurrency = 2;                   // Argon2id computations at once (default: cores)
  int hash_queue = 64;                        // callers waiting for one; more get 503
  int hash_wait_ms = 5000;                    // longest wait in that queue
  std::optional<std::string> master_key;      // base64; never logged
  std::optional<std::string> new_master_key;  // rotate-master-key only; never logged
  Seconds jwks_max_age{300};                  // Cache-Control max-age of the JWKS
  Seconds key_activation_delay{360};          // rotate-keys: publication to first signature
  Seconds key_reload_interval{60};            // how often serve re-reads signing keys (rotate-keys)
  bool dev_mode = false;
  bool migrate_on_start = false;
  bool trust_proxy = false;
  std::vector<http::Cidr> trusted_proxies;  // AUTH_TRUSTED_PROXIES (default loopback)
  int http_header_timeout_s = 10;           // AUTH_HASH_WAIT_MS + 5 s by default
  int http_body_timeout_s = 10;
  std::size_t http_max_request_bytes = 1 << 20;
  std::string smtp_url;  // empty: no SMTP (dev mode logs mail instead)
  bool smtp_starttls = false;
  std::string smtp_username;
  std::string smtp_password;  // never logged
  std::string mail_from = "authd@localhost";
  std::string public_url;   // base of links in mail; default: the issuer
  std::string totp_issuer;  // the name authenticator apps show; default: the issuer's host
  int mail_poll_ms = 1000;
  int mail_retry_base_ms = 1000;
  int mail_per_minute = 1;  // per recipient, every kind of mail; 0: off
  int mail_per_hour = 5;
  int event_retention_days = 365;          // auth_events older than this are pruned
  Seconds retention_sweep_interval{3600};  // how often serve prunes old rows
  std::string log_format = "text";
  std::string log_level = "info";
};

// Thrown for bad values: problems holds one line per bad or missing variable, each naming it
// and never repeating a secret value; what() is the first (or the only) one.
struct ConfigError : std::runtime_error {
  explicit ConfigError(const std::string& problem)
      : std::runtime_error(problem), problems{problem} {}
  explicit ConfigError(std::vector<std::string> all)
      : std::runtime_error(all.empty() ? "" : all.front()), problems(std::move(all)) {}
  std::vector<std::string> problems;
};

using Getenv = std::function<std::optional<std::string>(const char*)>;
Getenv processEnvironment();

// Every variable read and checked: the values (a bad one left at its default) and one line
// per problem, naming the variable. `require_database` is false for commands that need none.
struct ConfigRead {
  Config config;
  std::vector<std::string> problems;
};
ConfigRead readConfig(const Getenv& env, bool require_database = true);

// readConfig, throwing a ConfigError that lists every problem at once when there is any.
Config loadConfig(const Getenv& env, bool require_database = true);

}  // namespace authd::app
