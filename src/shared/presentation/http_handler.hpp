// The HTTP handler authd gives Pistache: every connection's bytes go through RequestFramer,
// so that each answer, including the HTTP layer's own (400, 405, 408, 413, 415, 431), is a
// problem document with an X-Request-Id, and HTTP/1.1 keep-alive works (Pistache 0.0.5 adds
// `Connection: Close` to every answer of a request that had no Connection header).
#pragma once

#include <pistache/http.h>
#include <pistache/router.h>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>

#include "shared/presentation/request_framer.hpp"

namespace authd::http {

struct ServerState;

struct EdgeOptions {
  FramerLimits limits;
  // A request whose head (from its first byte) or body (from the end of its head) takes longer
  // gets 408 and the connection closes. Also the idle keep-alive limit: Pistache closes a
  // connection this long after its last input, so the header timeout must outlast the longest
  // a request can wait for a hashing thread (checked at start-up).
  std::chrono::milliseconds header_timeout{10000};
  std::chrono::milliseconds body_timeout{10000};
};

// What every per-thread clone of the handler shares: options, the server state (metrics, log
// format), the Allow lookup, and the timeout sweeper. Thread-safe.
class EdgeShared {
 public:
  EdgeShared(EdgeOptions options, ServerState& state,
             std::function<std::string(std::string_view path)> allow_for);
  ~EdgeShared();
  EdgeShared(const EdgeShared&) = delete;
  EdgeShared& operator=(const EdgeShared&) = delete;

  // Stops the sweeper; call before the endpoint shuts down. Idempotent.
  void stop();

  const EdgeOptions& options() const { return options_; }
  ServerState& state() { return state_; }
  std::string allowFor(std::string_view path) const { return allow_for_(path); }

  // Connections with an unfinished request, checked every 200 ms against their deadline.
  void watch(const std::shared_ptr<Pistache::Tcp::Peer>& peer);
  void unwatch(const Pistache::Tcp::Peer* peer);

 private:
  void sweep();

  EdgeOptions options_;
  ServerState& state_;
  std::function<std::string(std::string_view)> allow_for_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::unordered_map<const Pistache::Tcp::Peer*, std::weak_ptr<Pistache::Tcp::Peer>> watched_;
  std::thread sweeper_;  // last: starts after the members it uses
};

class HttpHandler final : public Pistache::Rest::Private::RouterHandler {
 public:
  HTTP_PROTOTYPE(HttpHandler)

  HttpHandler(const Pistache::Rest::Router& router, std::shared_ptr<EdgeShared> shared);

  void onDisconnection(const std::shared_ptr<Pistache::Tcp::Peer>& peer) override;

 private:
  void onConnection(const std::shared_ptr<Pistache::Tcp::Peer>& peer) override;
  void onInput(const char* buffer, size_t len,
               const std::shared_ptr<Pistache::Tcp::Peer>& peer) override;

  void dispatch(const Framed& framed, const std::shared_ptr<Pistache::Tcp::Peer>& peer);

  std::shared_ptr<EdgeShared> shared_;
};

}  // namespace authd::http
