#include "shared/presentation/http_handler.hpp"

#include <pistache/peer.h>
#include <pistache/stream.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>

#include "shared/presentation/http_support.hpp"
#include "shared/presentation/problem.hpp"
#include "shared/presentation/route_table.hpp"

namespace authd::http {
namespace {

using Pistache::Tcp::Peer;

constexpr const char* kEdgeData = "authd.edge";
constexpr auto kSweepInterval = std::chrono::milliseconds(200);

// One connection's framing and timeout state. The reactor thread that owns the connection and
// the sweeper both touch it, under `mu`.
struct PeerState {
  explicit PeerState(FramerLimits limits) : framer(limits) {}
  std::mutex mu;
  RequestFramer framer;
  Pistache::Tcp::Transport* transport = nullptr;
  Pistache::Http::Handler* handler = nullptr;
  bool closing = false;  // answered with an error: drop further input, the socket is closing
  bool armed = false;    // a deadline runs for the unfinished request
  bool in_body = false;  // ... and it is the body's
  std::chrono::steady_clock::time_point deadline;
};

std::shared_ptr<PeerState> stateOf(const std::shared_ptr<Peer>& peer) {
  return std::static_pointer_cast<PeerState>(peer->tryGetData(kEdgeData));
}

// Answers `error` as a problem document on a connection whose request the framer refused (or
// that timed out), then closes it: the rest of such a request is never read. Runs on the
// connection's reactor thread or on the sweeper; Pistache queues writes from other threads, and
// the close happens on the reactor thread once the answer is written.
void answerAndClose(EdgeShared& shared, PeerState& st, const std::shared_ptr<Peer>& peer,
                    const Error& error, const std::string& client_request_id,
                    const std::string& method, const std::string& allow = {}) {
  st.closing = true;
  const std::string request_id =
      isAcceptableRequestId(client_request_id) ? client_request_id : newRequestId();
  Pistache::Http::ResponseWriter writer(Pistache::Http::Version::Http11, st.transport, st.handler,
                                        peer);
  setHeader(writer, "X-Request-Id", request_id);
  setHeader(writer, "Connection", "close");
  if (!allow.empty()) setHeader(writer, "Allow", allow);
  const int status = statusFor(error.code);
  std::weak_ptr<Peer> weak = peer;
  writer
      .send(static_cast<Pistache::Http::Code>(status), problemJson(error).dump(),
            problemMediaType())
      .then(
          [weak](ssize_t) {
            if (auto p = weak.lock()) ::shutdown(p->fd(), SHUT_RDWR);
          },
          [](std::exception_ptr) {});
  RequestContext ctx{request_id, peer->address().host(), {}};
  // Metrics label the method only when authd serves it: a client must not mint label values.
  const bool served = method == "GET" || method == "HEAD" || method == "POST" || method == "PUT" ||
                      method == "PATCH" || method == "DELETE" || method == "OPTIONS";
  recordAnswer(shared.state(), ctx, served ? method.c_str() : "OTHER", "edge", status, 0.0);
}

}  // namespace

EdgeShared::EdgeShared(EdgeOptions options, ServerState& state,
                       std::function<std::string(std::string_view)> allow_for)
    : options_(options),
      state_(state),
      allow_for_(std::move(allow_for)),
      sweeper_([this] { sweep(); }) {}

EdgeShared::~EdgeShared() { stop(); }

void EdgeShared::stop() {
  {
    std::lock_guard lock(mu_);
    if (stopping_) return;
    stopping_ = true;
  }
  cv_.notify_all();
  sweeper_.join();
}

void EdgeShared::watch(const std::shared_ptr<Peer>& peer) {
  std::lock_guard lock(mu_);
  watched_.emplace(peer.get(), peer);
}

void EdgeShared::unwatch(const Peer* peer) {
  std::lock_guard lock(mu_);
  watched_.erase(peer);
}

void EdgeShared::sweep() {
  std::unique_lock lock(mu_);
  while (!cv_.wait_for(lock, kSweepInterval, [this] { return stopping_; })) {
    std::vector<std::shared_ptr<Peer>> peers;
    for (auto it = watched_.begin(); it != watched_.end();) {
      if (auto p = it->second.lock()) {
        peers.push_back(std::move(p));
        ++it;
      } else {
        it = watched_.erase(it);
      }
    }
    lock.unlock();
    const auto now = std::chrono::steady_clock::now();
    for (const auto& peer : peers) {
      auto st = stateOf(peer);
      if (!st) continue;
      // A connection busy on its reactor thread is looked at next round.
      std::unique_lock peer_lock(st->mu, std::try_to_lock);
      if (!peer_lock || st->closing || !st->armed || now < st->deadline) continue;
      st->armed = false;
      answerAndClose(*this, *st, peer,
                     Error{ErrorCode::RequestTimeout,
                           st->in_body ? "The request body did not arrive in time."
                                       : "The request headers did not arrive in time."},
                     {}, "-");
      unwatch(peer.get());
    }
    lock.lock();
  }
}

HttpHandler::HttpHandler(const Pistache::Rest::Router& router, std::shared_ptr<EdgeShared> shared)
    : RouterHandler(router), shared_(std::move(shared)) {}

void HttpHandler::onConnection(const std::shared_ptr<Peer>& peer) {
  // What Pistache's own onConnection does (its parser, which we feed complete requests) ...
  peer->putData(ParserData, std::make_shared<Pistache::Http::RequestParser>(getMaxRequestSize()));
  // ... and our framing state.
  auto st = std::make_shared<PeerState>(shared_->options().limits);
  st->transport = transport();
  st->handler = this;
  peer->putData(kEdgeData, st);
  // Pistache then applies only its keep-alive limit to this connection (closing it silently
  // when idle); our sweeper owns the header and body deadlines.
  peer->setIdle(true);
}

void HttpHandler::onDisconnection(const std::shared_ptr<Peer>& peer) {
  shared_->unwatch(peer.get());
  RouterHandler::onDisconnection(peer);
}

void HttpHandler::onInput(const char* buffer, size_t len, const std::shared_ptr<Peer>& peer) {
  auto st = stateOf(peer);
  if (!st) return;
  std::lock_guard lock(st->mu);
  if (st->closing) return;
  // Any input is activity: restart Pistache's idle clock, which runs from its parser's reset.
  getParser(peer)->reset();
  st->framer.feed(std::string_view(buffer, len));
  while (!st->closing) {
    Framed framed = st->framer.next();
    if (framed.kind == Framed::Kind::NeedMore) break;
    switch (framed.kind) {
      case Framed::Kind::Continue:
        peer->send(Pistache::RawBuffer("HTTP/1.1 100 Continue\r\n\r\n", 25));
        break;
      case Framed::Kind::Request:
        st->armed = false;
        dispatch(framed, peer);
        break;
      case Framed::Kind::UnknownMethod: {
        const std::string allow = shared_->allowFor(framed.path);
        const Error error =
            allow.empty() ? Error{ErrorCode::NotFound, "No route matches this path."}
                          : Error{ErrorCode::MethodNotAllowed, "This route allows " + allow + "."};
        answerAndClose(*shared_, *st, peer, error, framed.request_id, framed.method, allow);
        break;
      }
      case Framed::Kind::Reject:
        answerAndClose(*shared_, *st, peer, framed.error, framed.request_id, framed.method);
        break;
      case Framed::Kind::NeedMore:
        break;
    }
  }
  if (st->closing || !st->framer.midRequest()) {
    st->armed = false;
    shared_->unwatch(peer.get());
  } else {
    const auto now = std::chrono::steady_clock::now();
    if (!st->armed) {
      st->armed = true;
      st->in_body = false;
      st->deadline = now + shared_->options().header_timeout;
      shared_->watch(peer);
    }
    if (st->framer.inBody() && !st->in_body) {
      st->in_body = true;
      st->deadline = now + shared_->options().body_timeout;
    }
  }
  peer->setIdle(true);
}

void HttpHandler::dispatch(const Framed& framed, const std::shared_ptr<Peer>& peer) {
  auto parser = getParser(peer);
  parser->reset();
  bool parsed = false;
  try {
    parsed = parser->feed(framed.canonical.data(), framed.canonical.size()) &&
             parser->parse() == Pistache::Http::Private::State::Done;
  } catch (const std::exception& e) {
    // The canonical form leaves Pistache little to refuse; whatever it still does is a 400.
    spdlog::debug("request refused by the HTTP parser: {}", e.what());
  }
  if (!parsed) {
    parser->reset();
    auto st = stateOf(peer);
    answerAndClose(*shared_, *st, peer, Error{ErrorCode::BadRequest, "Malformed request."},
                   framed.request_id, framed.method);
    return;
  }
  auto& request = parser->request;
  request.copyAddress(peer->address());
  Pistache::Http::ResponseWriter response(request.version(), transport(), this, peer);
  // HTTP/1.1 keeps the connection unless asked not to; HTTP/1.0 only when asked to.
  if (!framed.keep_alive) {
    response.headers().add<Pistache::Http::Header::Connection>(
        Pistache::Http::ConnectionControl::Close);
  } else if (request.version() == Pistache::Http::Version::Http10) {
    response.headers().add<Pistache::Http::Header::Connection>(
        Pistache::Http::ConnectionControl::KeepAlive);
  }
  try {
    RouterHandler::onRequest(request, std::move(response));
  } catch (const std::exception& e) {
    // Routes answer through RouteTable's guard, which catches everything; this is the router.
    spdlog::error("request dispatch failed: {}", e.what());
  }
  parser->reset();
}

}  // namespace authd::http
