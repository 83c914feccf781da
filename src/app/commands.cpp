// Composition root: the only place that constructs adapters and wires them into use cases.
#include "app/commands.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <mutex>
#include <thread>
#include <pthread.h>

#include <pistache/endpoint.h>
#include <pistache/router.h>
#include <spdlog/spdlog.h>

#include "features/auth/application/use_cases/login_user.hpp"
#include "features/auth/application/use_cases/refresh_session.hpp"
#include "features/auth/application/use_cases/register_user.hpp"
#include "features/auth/infrastructure/crypto/bounded_password_hasher.hpp"
#include "features/auth/infrastructure/crypto/ed25519_access_token_issuer.hpp"
#include "features/auth/infrastructure/crypto/master_key.hpp"
#include "features/auth/infrastructure/crypto/sodium_password_hasher.hpp"
#include "features/auth/infrastructure/crypto/sodium_refresh_token_hasher.hpp"
#include "features/auth/infrastructure/mail/embedded_mail_templates.hpp"
#include "features/auth/infrastructure/mail/odb_mail_outbox.hpp"
#include "features/auth/infrastructure/mail/outbox_worker.hpp"
#include "features/auth/infrastructure/mail/smtp_mailer.hpp"
#include "features/auth/infrastructure/persistence/odb_account_token_repository.hpp"
#include "features/auth/infrastructure/persistence/odb_login_throttle.hpp"
#include "features/auth/infrastructure/persistence/odb_server_secret_store.hpp"
#include "features/auth/infrastructure/persistence/odb_signing_key_store.hpp"
#include "features/auth/presentation/http/auth_routes.hpp"
#include "features/users/application/use_cases/grant_role.hpp"
#include "features/users/infrastructure/persistence/odb_audit_log.hpp"
#include "features/users/infrastructure/persistence/odb_user_repository.hpp"
#include "features/users/presentation/http/user_routes.hpp"
#include "shared/infrastructure/database.hpp"
#include "shared/infrastructure/migration_runner.hpp"
#include "shared/infrastructure/odb_unit_of_work.hpp"
#include "shared/infrastructure/sodium_random_source.hpp"
#include "shared/infrastructure/system_clock.hpp"
#include "shared/presentation/health_routes.hpp"
#include "shared/presentation/http_handler.hpp"
#include "shared/presentation/route_table.hpp"

namespace authd::app {
namespace {

std::shared_ptr<odb::pgsql::database> database(const Config& c) {
  return openDatabase(DatabaseConfig{c.database_url, c.db_pool_size, c.db_connect_timeout_s});
}

std::optional<auth::infrastructure::MasterKey> masterKey(const Config& c) {
  using auth::infrastructure::MasterKey;
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

// The verification leeway of access tokens (AccessTokenConfig) plus their lifetime: how long
// a retired signing key must stay published and trusted.
Seconds keyRetention(const Config& c) {
  return c.access_ttl + auth::infrastructure::AccessTokenConfig{}.leeway;
}

// Runs `task` every `interval` on its own thread until destroyed.
class PeriodicTask {
 public:
  PeriodicTask(Seconds interval, std::function<void()> task)
      : thread_([this, interval, task = std::move(task)] {
          std::unique_lock lock(mutex_);
          while (!stop_cv_.wait_for(lock, interval, [this] { return stopping_; })) {
            lock.unlock();
            task();
            lock.lock();
          }
        }) {}
  ~PeriodicTask() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    stop_cv_.notify_all();
    thread_.join();
  }

 private:
  std::mutex mutex_;
  std::condition_variable stop_cv_;
  bool stopping_ = false;
  std::thread thread_;  // last: starts after the members it uses
};

}  // namespace

int serve(const Config& c) {
  // Block the stop signals before any thread starts so every thread inherits the mask and
  // only sigwait() below receives them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  try {
    auto db = database(c);
    if (c.migrate_on_start) {
      auto applied = MigrationRunner(db, bundledMigrations()).apply();
      if (!applied) {
        spdlog::critical("migrations failed: {}", applied.error().detail);
        return 1;
      }
      spdlog::info("migrations applied: {}", applied->size());
    }
    auto master = masterKey(c);
    if (!master) return 1;

    SystemClock clock;
    SodiumRandomSource random;
    auth::infrastructure::OdbSigningKeyStore key_store(db, *master, random, clock, keyRetention(c));
    auth::infrastructure::Ed25519AccessTokenIssuer tokens_crypto(
        key_store.loadOrCreate(), {c.issuer, c.audience, c.access_ttl}, random);
    // Other instances (or `authd rotate-keys`) may rotate: re-read the key set periodically.
    const auto reload_keys = [&key_store, &tokens_crypto] {
      try {
        const auto before = tokens_crypto.activeKid();
        tokens_crypto.replaceKeys(key_store.loadOrCreate());
        if (tokens_crypto.activeKid() != before) {
          spdlog::info("signing key {} is now active (was {})", tokens_crypto.activeKid(), before);
        }
      } catch (const std::exception& e) {
        spdlog::error("signing keys not reloaded, keeping the current ones: {}", e.what());
      }
    };
    PeriodicTask key_reload(c.key_reload_interval, reload_keys);
    // A token with a kid we do not hold may come from an instance that already rotated:
    // reload at once instead of waiting for the period. Made-up kids cost at most one key
    // read every two seconds.
    std::atomic<std::int64_t> last_forced_reload{0};
    tokens_crypto.setKeyRefresher([&last_forced_reload, reload_keys] {
      const std::int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                                   std::chrono::steady_clock::now().time_since_epoch()).count();
      std::int64_t last = last_forced_reload.load();
      if (now - last < 2 || !last_forced_reload.compare_exchange_strong(last, now)) return;
      reload_keys();
    });
    // Symmetric keys live sealed in server_secrets so that rotating the master key keeps them.
    // Their first values are the ones earlier versions derived from the master key, so an
    // upgrade keeps every refresh token and pending mail link valid.
    auth::infrastructure::OdbServerSecretStore secrets(db, *master, random, clock);
    const auto secret = [&](const char* name, const char* context, std::uint64_t id) {
      return secrets.loadOrCreate(name, [&] { return master->derive(context, id); });
    };
    auth::infrastructure::SodiumPasswordHasher argon2(c.argon2_opslimit, c.argon2_memlimit);
    // Hashing routes run on a pool of 2 x AUTH_HASH_CONCURRENCY threads (so their database
    // work overlaps the hashing) with AUTH_HASH_QUEUE requests waiting; the hasher itself
    // admits AUTH_HASH_CONCURRENCY at once, which is what bounds Argon2id's memory.
    auth::infrastructure::BoundedPasswordHasher hasher(
        argon2, {c.hash_concurrency, c.hash_concurrency, std::chrono::milliseconds(c.hash_wait_ms)});
    auth::infrastructure::OdbLoginThrottle login_throttle(
        db, secret("login_identifier_digest", "authd_lt", 1));
    auth::infrastructure::SodiumRefreshTokenHasher refresh_hasher(
        secret("refresh_token_digest", "authd_rt", 1), secret("refresh_token_successor", "authd_rt", 2));
    OdbUnitOfWork uow(db);
    users::infrastructure::OdbUserRepository users(db);
    users::infrastructure::OdbAuditLog audit_log(db);
    users::application::AuditTrail audit(audit_log, clock, random);
    const auto& password_policy = users::domain::PasswordPolicy::standard();

    namespace aa = auth::application;
    aa::SessionTokens tokens(random, refresh_hasher, tokens_crypto, c.sessions);
    aa::RegisterUser register_user(uow, users, hasher, tokens, audit, clock, random, password_policy);
    aa::LoginUser login_user(uow, users, hasher, tokens, audit, clock, login_throttle,
                             {c.login_max_fails, c.login_window});
    aa::RefreshSession refresh_session(uow, users, tokens, audit, clock);
    aa::SessionDeps session_deps{uow, users, tokens, audit, clock};
    aa::Logout logout(session_deps);
    aa::LogoutAll logout_all(session_deps);
    aa::RevokeToken revoke_token(session_deps, tokens_crypto);
    aa::RevokeSession revoke_session(session_deps);
    aa::ChangePassword change_password(uow, users, hasher, audit, clock, password_policy);
    aa::DeleteAccount delete_account(uow, users, hasher, audit, clock);
    aa::ListEvents list_events(uow, audit_log);
    aa::Authenticate authenticate(uow, users, tokens_crypto, clock, c.sessions);
    aa::Introspect introspect(authenticate);
    auth::infrastructure::OdbAccountTokenRepository account_tokens(db);
    auth::infrastructure::OdbMailOutbox outbox(db, *master, random, clock);
    auth::infrastructure::EmbeddedMailTemplates templates(c.public_url);
    aa::LifecycleDeps lifecycle{uow, users, account_tokens, outbox, templates, refresh_hasher,
                                audit, clock, random};
    aa::RequestEmailVerification request_verification(lifecycle);
    aa::VerifyEmail verify_email(lifecycle);
    auth::infrastructure::OdbResetRequestQueue reset_queue(db);
    aa::RequestPasswordReset request_reset(lifecycle, reset_queue);
    aa::ProcessResetRequests process_resets(lifecycle, reset_queue);
    aa::ConfirmPasswordReset confirm_reset(lifecycle, hasher, password_policy);
    std::unique_ptr<aa::Mailer> mailer;
    if (!c.smtp_url.empty()) {
      mailer = std::make_unique<auth::infrastructure::SmtpMailer>(auth::infrastructure::SmtpConfig{
          c.smtp_url, c.mail_from, c.smtp_starttls, c.smtp_username, c.smtp_password, 15});
    } else if (c.dev_mode) {
      mailer = std::make_unique<auth::infrastructure::LogMailer>();
    } else {
      spdlog::warn("AUTH_SMTP_URL is not set: verification and reset mail stays in the outbox");
    }
    std::unique_ptr<auth::infrastructure::OutboxWorker> mail_worker;
    if (mailer) {
      auth::infrastructure::OutboxWorkerConfig worker_config;
      worker_config.poll = std::chrono::milliseconds(c.mail_poll_ms);
      worker_config.retry_base = std::chrono::milliseconds(c.mail_retry_base_ms);
      mail_worker = std::make_unique<auth::infrastructure::OutboxWorker>(
          outbox, *mailer, clock, worker_config, [&process_resets] {
            while (process_resets.execute() > 0) {
            }
          });
    }
    users::application::UpdateProfile update_profile(uow, users, audit, clock);
    users::application::ListUsers list_users(uow, users);
    users::application::GetUser get_user(uow, users);
    users::application::ChangeRole change_role(uow, users, audit, clock);
    hasher.dummyHash();  // pay for the dummy hash at start-up, not on the first unknown login
    MigrationRunner readiness(db, bundledMigrations());

    http::ServerState state;
    state.options = http::HttpOptions{c.trust_proxy, c.trusted_proxies};
    state.is_unavailable = [](const std::exception& e) {
      return isDatabaseUnavailable(e) || takeConnectionLost();
    };
    state.json_logs = c.log_format == "json";
    if (c.rate_limit_per_ip > 0) {
      state.client_limiter = std::make_unique<TokenBucketLimiter>(c.rate_limit_per_ip);
    }
    state.hashing_pool = std::make_unique<http::WorkPool>(2 * c.hash_concurrency, c.hash_queue);
    state.hashing_max_wait = std::chrono::milliseconds(c.hash_wait_ms);
    state.metrics.addGauge("authd_hashing_requests_queued", "Requests waiting for a hashing thread.",
                           [&state] { return static_cast<double>(state.hashing_pool->queued()); });
    state.metrics.addGauge("authd_password_hashes_running", "Argon2id computations running now.",
                           [&hasher] { return static_cast<double>(hasher.running()); });
    state.metrics.addGauge("authd_password_hashes_waiting", "Requests queued for an Argon2id slot.",
                           [&hasher] { return static_cast<double>(hasher.waiting()); });
    state.metrics.addGauge("authd_password_hashes_rejected", "Requests refused with 503 by the hasher's own bound.",
                           [&hasher] { return static_cast<double>(hasher.rejected()); });
    state.metrics.addGauge("authd_db_pool_in_use", "Pooled database connections held by open transactions.",
                           [&uow] { return static_cast<double>(uow.inUse()); });
    state.metrics.addGauge("authd_db_pool_size", "Most database connections the pool keeps.",
                           [&c] { return static_cast<double>(c.db_pool_size); });
    Pistache::Rest::Router router;
    http::RouteTable routes(router, state);
    const auto authenticator = auth::presentation::authenticatorFor(authenticate);
    auth::presentation::addAuthRoutes(
        routes,
        {register_user, login_user, refresh_session, logout, logout_all, revoke_token,
         revoke_session, introspect, change_password, delete_account, list_events,
         request_verification, verify_email, request_reset, confirm_reset, tokens_crypto,
         clock, c.sessions, c.issuer},
        authenticator);
    users::presentation::addUserRoutes(routes, {update_profile, list_users, get_user, change_role},
                                       authenticator);
    http::addHealthRoutes(routes, [&readiness] { return readiness.isCurrent(); });
    routes.finish();

    http::EdgeOptions edge_options;
    edge_options.limits.max_request_bytes = c.http_max_request_bytes;
    edge_options.header_timeout = std::chrono::seconds(c.http_header_timeout_s);
    edge_options.body_timeout = std::chrono::seconds(c.http_body_timeout_s);
    auto edge = std::make_shared<http::EdgeShared>(edge_options, state, routes.allowLookup());
    Pistache::Http::Endpoint endpoint(
        Pistache::Address(c.listen_host, Pistache::Port(c.listen_port)));
    const auto backstop = std::chrono::seconds(c.http_header_timeout_s + c.http_body_timeout_s + 5);
    endpoint.init(Pistache::Http::Endpoint::options()
                      .threads(c.threads)
                      .flags(Pistache::Tcp::Options::ReuseAddr)
                      // Pistache's parser gets only the framer's canonical requests, each at
                      // most this large (its default of 4 KiB would refuse 64 KiB bodies).
                      .maxRequestSize(c.http_max_request_bytes)
                      // Pistache closes a connection idle this long after its last input
                      // (silently, so it must come after our own 408s); its own header and
                      // body limits (which answer in plain text) never fire: HttpHandler keeps
                      // every connection "idle" to it.
                      .keepaliveTimeout(std::chrono::seconds(
                          std::max(c.http_header_timeout_s, c.http_body_timeout_s) + 2))
                      .headerTimeout(backstop)
                      .bodyTimeout(backstop));
    endpoint.setHandler(std::make_shared<http::HttpHandler>(router, edge));
    endpoint.serveThreaded();
    spdlog::info("authd listening on {}:{} ({} threads, dev mode {})", c.listen_host,
                 c.listen_port, c.threads, c.dev_mode ? "on" : "off");

    int sig = 0;
    sigwait(&stop_signals, &sig);
    // Graceful stop: refuse new requests (503, readyz fails), let in-flight ones finish for up
    // to 10 s, then close the listener and the reactor; the pool closes as `db` goes away.
    spdlog::info("signal {} received: draining", sig);
    state.draining = true;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (state.in_flight.load() > 0 && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    // Hashing work still queued (only after the 10 s) answers 503 now, while the endpoint can
    // still send (later hashing requests are refused on their I/O thread); then the listener
    // and the reactor close.
    state.hashing_pool->stop();
    endpoint.shutdown();
    if (mail_worker) mail_worker->stop();  // mail not yet sent stays in the outbox
    spdlog::info("stopped");
    return 0;
  } catch (const std::exception& e) {
    spdlog::critical("authd cannot start: {}", e.what());
    return 1;
  }
}

int migrate(const Config& c) {
  try {
    auto applied = MigrationRunner(database(c), bundledMigrations()).apply();
    if (!applied) {
      spdlog::critical("migrations failed: {}", applied.error().detail);
      return 1;
    }
    for (int v : *applied) spdlog::info("applied migration {:04d}", v);
    spdlog::info("schema is current ({} applied now)", applied->size());
    return 0;
  } catch (const std::exception& e) {
    spdlog::critical("migrate failed: {}", e.what());
    return 1;
  }
}

int migrateStatus(const Config& c) {
  try {
    bool current = true;
    for (const auto& e : MigrationRunner(database(c), bundledMigrations()).status()) {
      std::printf("%04d  %-8s  %s\n", e.version, toString(e.state), e.name.c_str());
      current = current && e.state == MigrationRunner::State::Applied;
    }
    return current ? 0 : 3;
  } catch (const std::exception& e) {
    spdlog::critical("migrate status failed: {}", e.what());
    return 1;
  }
}

int rotateKeys(const Config& c) {
  try {
    auto master = masterKey(c);
    if (!master) return 1;
    SystemClock clock;
    SodiumRandomSource random;
    auto rotation =
        auth::infrastructure::OdbSigningKeyStore(database(c), *master, random, clock, keyRetention(c))
            .rotate();
    spdlog::info("signing key {} is active; {} retired (published for {} s more); {} expired key(s) deleted",
                 rotation.new_kid, rotation.retired_kid.empty() ? "none" : rotation.retired_kid,
                 keyRetention(c).count(), rotation.pruned);
    spdlog::info("running instances switch within AUTH_KEY_RELOAD_INTERVAL ({} s)",
                 c.key_reload_interval.count());
    return 0;
  } catch (const std::exception& e) {
    spdlog::critical("rotate-keys failed: {}", e.what());
    return 1;
  }
}

int rotateMasterKey(const Config& c) {
  try {
    auto current = masterKey(c);
    if (!current) return 1;
    if (!c.new_master_key) {
      spdlog::critical("AUTH_NEW_MASTER_KEY is not set: give the new key (32 bytes, base64)");
      return 1;
    }
    auto next = auth::infrastructure::MasterKey::fromBase64(*c.new_master_key);
    if (!next) {
      spdlog::critical("AUTH_NEW_MASTER_KEY must be 32 bytes, base64-encoded");
      return 1;
    }
    SodiumRandomSource random;
    const auto r = auth::infrastructure::rotateMasterKey(database(c), *current, *next, random);
    spdlog::info("re-sealed {} signing key(s), {} secret(s) and {} unsent mail(s) ({} already under the new key)",
                 r.signing_keys, r.secrets, r.mails, r.already);
    spdlog::info("restart every instance with AUTH_MASTER_KEY set to the new key");
    return 0;
  } catch (const std::exception& e) {
    spdlog::critical("rotate-master-key failed: {}", e.what());
    return 1;
  }
}

int grantRole(const Config& c, const std::string& email, const std::string& role) {
  try {
    auto db = database(c);
    OdbUnitOfWork uow(db);
    users::infrastructure::OdbUserRepository users(db);
    SystemClock clock;
    SodiumRandomSource random;
    users::infrastructure::OdbAuditLog audit_log(db);
    users::application::AuditTrail audit(audit_log, clock, random);
    users::application::GrantRole grant(uow, users, audit, clock);
    auto result = grant.execute({email, role});
    if (!result) {
      spdlog::error("grant-role failed: {}", result.error().detail.empty()
                                                 ? toString(result.error().code)
                                                 : result.error().detail);
      return 1;
    }
    spdlog::info("{} role '{}' for {}", result->changed ? "granted" : "already had", role,
                 result->user.email());
    return 0;
  } catch (const std::exception& e) {
    spdlog::critical("grant-role failed: {}", e.what());
    return 1;
  }
}

}  // namespace authd::app
