#pragma once

#include <pistache/router.h>

#include <atomic>
#include <chrono>
#include <exception>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>

#include "shared/core/token_bucket.hpp"
#include "shared/presentation/http_support.hpp"
#include "shared/presentation/metrics.hpp"
#include "shared/presentation/work_pool.hpp"

namespace authd::http {

// State shared by every route of one server.
struct ServerState {
  HttpOptions options;
  Metrics metrics;
  bool json_logs = false;
  std::atomic<int> in_flight{0};
  std::atomic<bool> draining{false};  // set on SIGTERM: new requests get 503
  // Per-client-address limit of the routes flagged kPerClientLimit; null: no limit.
  std::unique_ptr<TokenBucketLimiter> client_limiter;
  // Where routes flagged kHashing run; null: on the I/O threads. Last member: destroyed
  // (queued work finished, threads joined) before everything its tasks use.
  std::unique_ptr<WorkPool> hashing_pool;
  std::chrono::milliseconds hashing_max_wait{5000};  // queued longer: 503 instead of running
  // Tells a fault of an unreachable dependency (the database going away) from a bug: the
  // guard answers the first 503 `unavailable` with Retry-After, the second 500. Set by the
  // composition root (presentation sees no ODB); unset, every other exception is a 500.
  std::function<bool(const std::exception&)> is_unavailable;
};

// How a route runs; combine with |.
enum RouteFlags : unsigned {
  kPerClientLimit = 1u << 0,  // spends the client address's token bucket first (429 when empty)
  kHashing = 1u << 1,         // runs Argon2id: served on the hashing pool, so the I/O threads
                              // keep answering other routes; a full pool answers 503
};

// Registers routes on a Pistache router, each wrapped in the one guard (request id, client
// address, exception barrier, metrics, access log). finish() answers every other method on a
// known path with 405 problem+json and an Allow header, and unknown paths with 404
// problem+json. Not thread-safe; use before serving.
class RouteTable {
 public:
  RouteTable(Pistache::Rest::Router& router, ServerState& state) : router_(router), state_(state) {}

  void get(const std::string& path, Handler h) {
    add(Pistache::Http::Method::Get, path, std::move(h));
  }
  void post(const std::string& path, Handler h) {
    add(Pistache::Http::Method::Post, path, std::move(h));
  }
  void post(const std::string& path, unsigned flags, Handler h) {
    add(Pistache::Http::Method::Post, path, std::move(h), flags);
  }
  void put(const std::string& path, Handler h) {
    add(Pistache::Http::Method::Put, path, std::move(h));
  }
  void patch(const std::string& path, Handler h) {
    add(Pistache::Http::Method::Patch, path, std::move(h));
  }
  void del(const std::string& path, Handler h) {
    add(Pistache::Http::Method::Delete, path, std::move(h));
  }
  void del(const std::string& path, unsigned flags, Handler h) {
    add(Pistache::Http::Method::Delete, path, std::move(h), flags);
  }
  void finish();
  // The Allow header value for a request path ("GET, POST"), or "" when no route matches it.
  // The function holds its own copy of the table. Call after finish().
  std::function<std::string(std::string_view path)> allowLookup() const;

  ServerState& state() { return state_; }

 private:
  void add(Pistache::Http::Method method, const std::string& path, Handler h, unsigned flags = 0);
  Pistache::Rest::Route::Handler guarded(std::string route, Handler h, unsigned flags = 0);

  Pistache::Rest::Router& router_;
  ServerState& state_;
  std::map<std::string, std::set<Pistache::Http::Method>> paths_;
  std::map<std::string, std::string> allow_;  // path pattern -> Allow value
};

// Records one answer: the request metrics and one access-log line (never a body, header value
// or token). The route guard calls it for every routed request, the HTTP layer for its own.
void recordAnswer(ServerState& state, const RequestContext& ctx, const char* method,
                  const std::string& route, int status, double seconds);

}  // namespace authd::http
