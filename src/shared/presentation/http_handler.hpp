// The HTTP handler authd gives Pistache: every connection's bytes go through RequestFramer,
// so that each answer, including the HTTP layer's own (400, 405, 408, 413, 415, 431), is a
// problem document with an X-Request-Id, and HTTP/1.1 keep-alive works (Pistache 0.0.5 adds
// `Connection: Close` to every answer of a request that had no Connection header).
#pragma once

#include <pistache/http.h>
#include <pistache/router.h>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "shared/presentation/request_framer.hpp"

namespace authd::http {

struct ServerState;

struct EdgeOptions {
  FramerLimits limits;
  // A request whose head (from its first byte) or body (from the end of its head) takes longer
  // gets 408 and the connection closes.
  std::chrono::milliseconds header_timeout{10000};
  std::chrono::milliseconds body_timeout{10000};
};

// What every per-thread clone of the handler shares. Immutable after construction.
class EdgeShared {
 public:
  EdgeShared(EdgeOptions options, ServerState& state,
             std::function<std::string(std::string_view path)> allow_for)
      : options_(options), state_(state), allow_for_(std::move(allow_for)) {}

  const EdgeOptions& options() const { return options_; }
  ServerState& state() const { return state_; }
  std::string allowFor(std::string_view path) const { return allow_for_(path); }

 private:
  EdgeOptions options_;
  ServerState& state_;
  std::function<std::string(std::string_view)> allow_for_;
};

// Frames each connection's input, dispatches one request at a time per connection (a
// pipelined request waits, buffered and bounded, until the one before it is answered, so
// answers keep their order and a client that never reads cannot make answers pile up), and
// enforces the header and body deadlines with timers on the connection's own reactor thread.
class HttpHandler final : public Pistache::Rest::Private::RouterHandler {
 public:
  HTTP_PROTOTYPE(HttpHandler)

  HttpHandler(const Pistache::Rest::Router& router, std::shared_ptr<EdgeShared> shared);

  void onDisconnection(const std::shared_ptr<Pistache::Tcp::Peer>& peer) override;

  // Called once a dispatched request has been answered (RouteTable's guard does, on whatever
  // thread answered): the connection may take its next request. Thread-safe.
  static void requestAnswered(const std::shared_ptr<Pistache::Tcp::Peer>& peer);

  struct PeerState;  // per connection, in the .cpp

 private:
  void onConnection(const std::shared_ptr<Pistache::Tcp::Peer>& peer) override;
  void onInput(const char* buffer, size_t len,
               const std::shared_ptr<Pistache::Tcp::Peer>& peer) override;

  void handleInput(std::string_view bytes, const std::shared_ptr<Pistache::Tcp::Peer>& peer,
                   const std::shared_ptr<PeerState>& st);
  void process(const std::shared_ptr<Pistache::Tcp::Peer>& peer, PeerState& st);
  void dispatch(const Framed& framed, const std::shared_ptr<Pistache::Tcp::Peer>& peer,
                PeerState& st);
  // Starts, moves or stops the deadline of the connection's unfinished request.
  void updateDeadline(const std::shared_ptr<Pistache::Tcp::Peer>& peer,
                      const std::shared_ptr<PeerState>& st);
  void armDeadline(const std::shared_ptr<Pistache::Tcp::Peer>& peer,
                   const std::shared_ptr<PeerState>& st, std::chrono::milliseconds after);

  std::shared_ptr<EdgeShared> shared_;
};

}  // namespace authd::http
