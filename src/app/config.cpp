#include "app/config.hpp"

#include <algorithm>
#include <cstdlib>
#include <limits>
#include <stdexcept>
#include <thread>
#include <utility>

#include "shared/core/encoding.hpp"

namespace authd::app {
namespace {

// Reads variables and keeps every problem instead of stopping at the first: a bad value
// yields its default so the rest can still be checked.
class Reader {
 public:
  explicit Reader(const Getenv& env) : env_(env) {}

  long long integer(const char* name, long long fallback, long long min, long long max) {
    return integerOf(name, env_(name), fallback, min, max);
  }
  long long integerOf(const char* name, const std::optional<std::string>& raw, long long fallback,
                      long long min, long long max) {
    if (!raw) return fallback;
    try {
      std::size_t used = 0;
      const long long v = std::stoll(*raw, &used);
      if (used == raw->size() && v >= min && v <= max) return v;
    } catch (const std::exception&) {
    }
    problem(std::string(name) + " must be an integer from " + std::to_string(min) + " to " +
            std::to_string(max));
    return fallback;
  }
  bool flag(const char* name, bool fallback) {
    const auto raw = env_(name);
    if (!raw) return fallback;
    if (*raw == "1" || *raw == "true") return true;
    if (*raw == "0" || *raw == "false") return false;
    problem(std::string(name) + " must be 0 or 1");
    return fallback;
  }
  std::string text(const char* name, std::string fallback) {
    const auto raw = env_(name);
    return raw ? *raw : std::move(fallback);
  }
  std::optional<std::string> raw(const char* name) { return env_(name); }
  void problem(std::string what) { problems_.push_back(std::move(what)); }
  std::vector<std::string>& problems() { return problems_; }

 private:
  const Getenv& env_;
  std::vector<std::string> problems_;
};

}  // namespace

std::string hostOf(const std::string& url) {
  const auto scheme = url.find("://");
  std::size_t start = scheme == std::string::npos ? 0 : scheme + 3;
  const auto end = url.find_first_of("/?#", start);
  std::string authority =
      url.substr(start, end == std::string::npos ? std::string::npos : end - start);
  const auto at = authority.rfind('@');
  if (at != std::string::npos) authority.erase(0, at + 1);
  if (!authority.empty() && authority.front() == '[') {  // an IPv6 literal keeps its colons
    const auto close = authority.find(']');
    return close == std::string::npos ? authority : authority.substr(0, close + 1);
  }
  return authority.substr(0, authority.find(':'));
}

Getenv processEnvironment() {
  return [](const char* name) -> std::optional<std::string> {
    const char* v = std::getenv(name);
    if (v == nullptr || *v == '\0') return std::nullopt;
    return std::string(v);
  };
}

ConfigRead readConfig(const Getenv& env, bool require_database) {
  Config c;
  Reader r(env);
  const long long cores = std::max(1u, std::thread::hardware_concurrency());
  c.database_url = r.text("AUTH_DATABASE_URL", "");
  if (require_database && c.database_url.empty()) {
    r.problem("AUTH_DATABASE_URL is not set");
  }
  const std::string listen = r.text("AUTH_LISTEN", "127.0.0.1:8080");
  const auto colon = listen.rfind(':');
  if (colon == std::string::npos || colon == 0) {
    r.problem("AUTH_LISTEN must be HOST:PORT");
  } else {
    c.listen_host = listen.substr(0, colon);
    c.listen_port = static_cast<std::uint16_t>(
        r.integerOf("AUTH_LISTEN", listen.substr(colon + 1), 8080, 1, 65535));
  }
  c.threads = static_cast<int>(r.integer("AUTH_THREADS", cores, 1, 256));
  c.db_pool_size =
      static_cast<std::size_t>(r.integer("AUTH_DB_POOL_SIZE", 2LL * c.threads, 1, 1000));
  c.db_connect_timeout_s = static_cast<int>(r.integer("AUTH_DB_CONNECT_TIMEOUT", 10, 1, 600));
  c.issuer = r.text("AUTH_ISSUER", "http://127.0.0.1:8080");
  c.audience = r.text("AUTH_AUDIENCE", "authd");
  c.access_ttl = Seconds(r.integer("AUTH_ACCESS_TTL", 900, 1, 86400));
  c.sessions.refresh_ttl = Seconds(r.integer("AUTH_REFRESH_TTL", 2592000, 60, 31536000));
  c.sessions.idle_ttl = Seconds(r.integer("AUTH_SESSION_IDLE_TTL", 1209600, 60, 31536000));
  c.sessions.reuse_grace = Seconds(r.integer("AUTH_REFRESH_REUSE_GRACE", 10, 0, 300));
  c.sessions.max_sessions = static_cast<std::size_t>(r.integer("AUTH_MAX_SESSIONS", 10, 1, 1000));
  c.argon2_opslimit = static_cast<unsigned long long>(r.integer("AUTH_ARGON2_OPSLIMIT", 2, 1, 100));
  c.argon2_memlimit =
      static_cast<std::size_t>(r.integer("AUTH_ARGON2_MEMLIMIT", 64LL << 20, 8192, 4LL << 30));
  c.login_max_fails = static_cast<int>(r.integer("AUTH_LOGIN_MAX_FAILS", 5, 0, 1000));
  c.login_window = Seconds(r.integer("AUTH_LOGIN_WINDOW", 900, 1, 86400));
  c.rate_limit_per_ip = static_cast<int>(r.integer("AUTH_RATE_LIMIT_PER_IP", 60, 0, 1000000));
  c.hash_concurrency = static_cast<int>(r.integer("AUTH_HASH_CONCURRENCY", cores, 1, 256));
  c.hash_queue = static_cast<int>(r.integer("AUTH_HASH_QUEUE", 64, 0, 100000));
  c.hash_wait_ms = static_cast<int>(r.integer("AUTH_HASH_WAIT_MS", 5000, 1, 600000));
  c.master_key = r.raw("AUTH_MASTER_KEY");
  c.new_master_key = r.raw("AUTH_NEW_MASTER_KEY");
  c.key_reload_interval = Seconds(r.integer("AUTH_KEY_RELOAD_INTERVAL", 60, 1, 3600));
  c.jwks_max_age = Seconds(r.integer("AUTH_JWKS_MAX_AGE", 300, 0, 86400));
  // A relying service that cached the JWKS just before an instance picked up the new key still
  // finds it by the time it signs.
  c.key_activation_delay = Seconds(r.integer(
      "AUTH_KEY_ACTIVATION_DELAY", (c.jwks_max_age + c.key_reload_interval).count(), 0, 7 * 86400));
  c.dev_mode = r.flag("AUTH_DEV_MODE", false);
  c.migrate_on_start = r.flag("AUTH_MIGRATE_ON_START", false);
  c.trust_proxy = r.flag("AUTH_TRUST_PROXY", false);
  auto trusted = http::parseCidrList(r.text("AUTH_TRUSTED_PROXIES", "127.0.0.0/8,::1/128"));
  if (!trusted) {
    r.problem("AUTH_TRUSTED_PROXIES must be a comma-separated list of IP networks (CIDR)");
  } else {
    c.trusted_proxies = std::move(*trusted);
  }
  // Pistache's idle limit runs from a connection's last input, so a request waiting up to
  // AUTH_HASH_WAIT_MS for a hashing thread (then hashing) must not outlast it.
  const long long min_header_s = (c.hash_wait_ms + 999) / 1000 + 5;
  c.http_header_timeout_s =
      static_cast<int>(r.integer("AUTH_HTTP_HEADER_TIMEOUT", min_header_s, 1, 3600));
  if (c.http_header_timeout_s * 1000LL < c.hash_wait_ms + 5000LL) {
    r.problem("AUTH_HTTP_HEADER_TIMEOUT must exceed AUTH_HASH_WAIT_MS by at least 5 s");
  }
  c.http_body_timeout_s = static_cast<int>(r.integer("AUTH_HTTP_BODY_TIMEOUT", 10, 1, 3600));
  c.http_max_request_bytes = static_cast<std::size_t>(
      r.integer("AUTH_HTTP_MAX_REQUEST_BYTES", 1 << 20, 80 * 1024, 64LL << 20));
  c.smtp_url = r.text("AUTH_SMTP_URL", "");
  if (!c.smtp_url.empty() && c.smtp_url.rfind("smtp://", 0) != 0 &&
      c.smtp_url.rfind("smtps://", 0) != 0) {
    r.problem("AUTH_SMTP_URL must start with smtp:// or smtps://");
  }
  c.smtp_starttls = r.flag("AUTH_SMTP_STARTTLS", false);
  c.smtp_username = r.text("AUTH_SMTP_USERNAME", "");
  c.smtp_password = r.text("AUTH_SMTP_PASSWORD", "");
  c.mail_from = r.text("AUTH_MAIL_FROM", "authd@localhost");
  c.public_url = r.text("AUTH_PUBLIC_URL", c.issuer);
  // Authenticator apps split the otpauth label at its colon, so the issuer may hold none.
  std::string default_issuer = hostOf(c.issuer);
  if (default_issuer.empty() || default_issuer.find(':') != std::string::npos) {
    default_issuer = "authd";
  }
  c.totp_issuer = r.text("AUTH_TOTP_ISSUER", default_issuer);
  if (c.totp_issuer.size() > 64 || !isCleanText(c.totp_issuer) ||
      c.totp_issuer.find(':') != std::string::npos) {
    r.problem("AUTH_TOTP_ISSUER must be 1 to 64 characters of text without a colon");
  }
  c.mail_poll_ms = static_cast<int>(r.integer("AUTH_MAIL_POLL_MS", 1000, 10, 60000));
  c.mail_retry_base_ms = static_cast<int>(r.integer("AUTH_MAIL_RETRY_BASE_MS", 1000, 10, 600000));
  c.mail_per_minute = static_cast<int>(r.integer("AUTH_MAIL_PER_MINUTE", 1, 0, 1000));
  c.mail_per_hour = static_cast<int>(r.integer("AUTH_MAIL_PER_HOUR", 5, 0, 100000));
  c.event_retention_days = static_cast<int>(r.integer("AUTH_EVENT_RETENTION_DAYS", 365, 1, 36500));
  c.retention_sweep_interval =
      Seconds(r.integer("AUTH_RETENTION_SWEEP_INTERVAL", 3600, 1, 7 * 86400));
  c.log_format = r.text("AUTH_LOG_FORMAT", "text");
  if (c.log_format != "text" && c.log_format != "json") {
    r.problem("AUTH_LOG_FORMAT must be text or json");
  }
  c.log_level = r.text("AUTH_LOG_LEVEL", "info");
  static const char* kLevels[] = {"trace", "debug", "info", "warn", "error", "critical", "off"};
  if (std::find(std::begin(kLevels), std::end(kLevels), c.log_level) == std::end(kLevels)) {
    r.problem("AUTH_LOG_LEVEL must be one of trace, debug, info, warn, error, critical, off");
  }
  return {std::move(c), std::move(r.problems())};
}

Config loadConfig(const Getenv& env, bool require_database) {
  auto read = readConfig(env, require_database);
  if (!read.problems.empty()) throw ConfigError(std::move(read.problems));
  return std::move(read.config);
}

}  // namespace authd::app
