// Composition root: `authd serve` and the CLI commands. The object graph itself is Wiring.
#include "app/commands.hpp"

#include <pistache/endpoint.h>
#include <pistache/router.h>
#include <pthread.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <csignal>
#include <functional>
#include <limits>
#include <thread>

#include "app/command_support.hpp"
#include "app/routes.hpp"
#include "app/wiring.hpp"
#include "features/users/application/use_cases/grant_role.hpp"
#include "shared/infrastructure/database.hpp"
#include "shared/infrastructure/migration_runner.hpp"
#include "shared/infrastructure/pg_statement.hpp"
#include "shared/presentation/http_handler.hpp"
#include "shared/presentation/route_table.hpp"

namespace authd::app {
namespace {

// The server-wide state of the HTTP layer: client address rules, the abuse limits, the
// hashing pool, and the gauges /metrics reads at scrape time.
void configureServer(http::ServerState& state, const Config& c, Wiring& w) {
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
  const auto gauge = [&state](const char* name, const char* help, std::function<double()> read) {
    state.metrics.addGauge(name, help, std::move(read));
  };
  gauge("authd_hashing_requests_queued", "Requests waiting for a hashing thread.",
        [&state] { return static_cast<double>(state.hashing_pool->queued()); });
  gauge("authd_password_hashes_running", "Argon2id computations running now.",
        [&w] { return static_cast<double>(w.hasher.running()); });
  gauge("authd_password_hashes_waiting", "Requests queued for an Argon2id slot.",
        [&w] { return static_cast<double>(w.hasher.waiting()); });
  gauge("authd_password_hashes_rejected", "Requests refused with 503 by the hasher's own bound.",
        [&w] { return static_cast<double>(w.hasher.rejected()); });
  gauge("authd_db_pool_in_use",
        "Pooled database connections held by open transactions and single statements.",
        [&w] { return static_cast<double>(w.uow.inUse() + statementConnectionsInUse()); });
  gauge("authd_db_pool_size", "Most database connections the pool keeps.",
        [&c] { return static_cast<double>(c.db_pool_size); });
  // What /readyz answers, for alerting from Prometheus (which does not probe /readyz itself),
  // and the shared outbox's backlog; both cached by Wiring, so a scrape never asks the database.
  gauge("authd_ready", "1 when the instance is ready (database answers, schema current).",
        [&state, &w] { return state.draining.load() ? 0.0 : w.readyNow(); });
  gauge("authd_mail_outbox_backlog",
        "Mails neither sent nor given up yet (every instance's; NaN while unreadable).",
        [&w] { return w.outboxBacklogNow(); });
}

Pistache::Http::Endpoint::Options endpointOptions(const Config& c) {
  const auto backstop = std::chrono::seconds(c.http_header_timeout_s + c.http_body_timeout_s + 5);
  return Pistache::Http::Endpoint::options()
      .threads(c.threads)
      .flags(Pistache::Tcp::Options::ReuseAddr)
      // Pistache's parser gets only the framer's canonical requests, each at most this large
      // (its default of 4 KiB would refuse 64 KiB bodies).
      .maxRequestSize(c.http_max_request_bytes)
      // Pistache closes a connection idle this long after its last input (silently, so it
      // must come after our own 408s); its own header and body limits (which answer in plain
      // text) never fire: HttpHandler keeps every connection "idle" to it.
      .keepaliveTimeout(
          std::chrono::seconds(std::max(c.http_header_timeout_s, c.http_body_timeout_s) + 2))
      .headerTimeout(backstop)
      .bodyTimeout(backstop);
}

// Graceful stop: refuse new requests (503, readyz fails), let in-flight ones finish for up to
// 10 s; hashing work still queued then answers 503 while the endpoint can still send; then the
// listener and the reactor close, and mail not yet sent stays in the outbox.
void drain(http::ServerState& state, Pistache::Http::Endpoint& endpoint, Wiring& w) {
  state.draining = true;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (state.in_flight.load() > 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  state.hashing_pool->stop();
  endpoint.shutdown();
  w.stopMail();
}

// Instances x pool must stay below max_connections: the last instance to start sees the others
// and says so. An unreachable database is not an error here (authd waits for it).
void warnWhenPoolsMayNotFit(odb::pgsql::database& db, const std::string& instance,
                            std::size_t pool_size) {
  try {
    if (auto warning = connectionBudgetWarning(readConnectionBudget(db, instance), pool_size)) {
      spdlog::warn("{}", *warning);
    }
  } catch (const std::exception& e) {
    spdlog::info("connection budget not checked (database unreachable): {}", e.what());
  }
}

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

  return runCommand("authd serve", [&] {
    const std::string instance = instanceApplicationName(c.db_pool_size);
    auto db = database(c, instance);
    warnWhenPoolsMayNotFit(*db, instance, c.db_pool_size);
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
    Wiring w(c, db, *master);

    http::ServerState state;
    configureServer(state, c, w);
    Pistache::Rest::Router router;
    http::RouteTable routes(router, state);
    addRoutes(routes, routeUseCasesOf(
                          w, [&w] { return w.readiness.isCurrent(); }, c.issuer, c.jwks_max_age));
    http::EdgeOptions edge;
    edge.limits.max_request_bytes = c.http_max_request_bytes;
    edge.header_timeout = std::chrono::seconds(c.http_header_timeout_s);
    edge.body_timeout = std::chrono::seconds(c.http_body_timeout_s);
    Pistache::Http::Endpoint endpoint(
        Pistache::Address(c.listen_host, Pistache::Port(c.listen_port)));
    endpoint.init(endpointOptions(c));
    endpoint.setHandler(std::make_shared<http::HttpHandler>(
        router, std::make_shared<http::EdgeShared>(edge, state, routes.allowLookup())));
    endpoint.serveThreaded();
    spdlog::info("authd listening on {}:{} ({} threads, dev mode {})", c.listen_host, c.listen_port,
                 c.threads, c.dev_mode ? "on" : "off");

    int sig = 0;
    sigwait(&stop_signals, &sig);
    spdlog::info("signal {} received: draining", sig);
    drain(state, endpoint, w);
    spdlog::info("stopped");
    return 0;
  });
}

int migrate(const Config& c) {
  return runCommand("migrate", [&] {
    auto applied = MigrationRunner(database(c), bundledMigrations()).apply();
    if (!applied) {
      spdlog::critical("migrations failed: {}", applied.error().detail);
      return 1;
    }
    for (int v : *applied) spdlog::info("applied migration {:04d}", v);
    spdlog::info("schema is current ({} applied now)", applied->size());
    return 0;
  });
}

int migrateStatus(const Config& c) {
  return runCommand("migrate status", [&] {
    const auto entries = MigrationRunner(database(c), bundledMigrations()).status();
    for (const auto& e : entries) {
      std::printf("%04d  %-8s  %s\n", e.version, toString(e.state), e.name.c_str());
    }
    const bool current = MigrationRunner::isCurrent(entries);
    return current ? 0 : 3;
  });
}

int grantRole(const Config& c, const std::string& email, const std::string& role) {
  return runCommand("grant-role", [&] {
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
  });
}

}  // namespace authd::app
