#include "shared/presentation/http_handler.hpp"

#include <pistache/async.h>
#include <pistache/peer.h>
#include <pistache/stream.h>
#include <pistache/transport.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <mutex>

#include "shared/presentation/http_support.hpp"
#include "shared/presentation/http_syntax.hpp"
#include "shared/presentation/problem.hpp"
#include "shared/presentation/route_table.hpp"

namespace authd::http {

using Pistache::Tcp::Peer;

namespace {

constexpr const char* kEdgeData = "authd.edge";
// Pistache queues every answer in memory until the socket takes it, and tells no one how much
// is queued. A client that sends requests in bulk without reading the answers could grow that
// queue at will, so at most this many requests are answered in a row from input that was
// already buffered (pipelined); past that the connection closes. Real clients pipeline a few.
constexpr int kMaxPipelined = 64;

}  // namespace

// One connection's framing state. Touched on the connection's reactor thread, and by the
// thread that answers its request (requestAnswered), under `mu`. Recursive because a route
// answered on the reactor thread reports back while process() still holds it.
struct HttpHandler::PeerState {
  explicit PeerState(FramerLimits limits) : framer(limits) {}
  std::recursive_mutex mu;
  RequestFramer framer;
  HttpHandler* handler = nullptr;
  bool processing = false;       // process() is on the stack
  bool busy = false;             // a dispatched request has not been answered yet
  bool closing = false;          // no more requests on this connection
  bool armed = false;            // a deadline runs for the unfinished request
  bool in_body = false;          // ... and it is the body's
  int pipelined = 0;             // requests in a row that arrived behind another
  std::uint64_t generation = 0;  // bumped whenever a running deadline stops applying
};

namespace {

std::shared_ptr<HttpHandler::PeerState> stateOf(const std::shared_ptr<Peer>& peer) {
  return std::static_pointer_cast<HttpHandler::PeerState>(peer->tryGetData(kEdgeData));
}

// Answers `error` as a problem document, then closes the connection: the rest of such a
// request is never read. Runs on the connection's reactor thread, so the write is immediate
// and the shutdown cannot meet a file descriptor that another connection reuses.
void answerAndClose(const EdgeShared& shared, HttpHandler::PeerState& st,
                    Pistache::Tcp::Transport* transport, Pistache::Http::Handler* handler,
                    const std::shared_ptr<Peer>& peer, const Error& error, const Framed& framed,
                    const std::string& allow = {}) {
  st.closing = true;
  const std::string request_id =
      isAcceptableRequestId(framed.request_id) ? framed.request_id : newRequestId();
  Pistache::Http::ResponseWriter writer(Pistache::Http::Version::Http11, transport, handler, peer);
  setHeader(writer, "X-Request-Id", request_id);
  setHeader(writer, "Connection", "close");
  if (!allow.empty()) setHeader(writer, "Allow", allow);
  const int status = statusFor(error.code);
  // A HEAD answer has no body.
  const std::string body = framed.method == "HEAD" ? std::string() : problemJson(error).dump();
  std::weak_ptr<Peer> weak = peer;
  writer.send(static_cast<Pistache::Http::Code>(status), body, problemMediaType())
      .then(
          [weak](ssize_t) {
            if (auto p = weak.lock()) ::shutdown(p->fd(), SHUT_RDWR);
          },
          [](std::exception_ptr) {});
  RequestContext ctx{request_id, peer->address().host(), {}};
  // Metrics label the method only when authd serves it: a client must not mint label values.
  recordAnswer(shared.state(), ctx,
               syntax::isServedMethod(framed.method) ? framed.method.c_str() : "OTHER", "edge",
               status, 0.0);
}

}  // namespace

HttpHandler::HttpHandler(const Pistache::Rest::Router& router, std::shared_ptr<EdgeShared> shared)
    : RouterHandler(router), shared_(std::move(shared)) {}

void HttpHandler::onConnection(const std::shared_ptr<Peer>& peer) {
  // What Pistache's own onConnection does (its parser, which we feed complete requests) ...
  peer->putData(ParserData, std::make_shared<Pistache::Http::RequestParser>(getMaxRequestSize()));
  // ... and our framing state.
  auto st = std::make_shared<PeerState>(shared_->options().limits);
  st->handler = this;
  peer->putData(kEdgeData, st);
  // Pistache then applies only its keep-alive limit to this connection (closing it silently
  // when idle); our timers own the header and body deadlines.
  peer->setIdle(true);
}

void HttpHandler::onDisconnection(const std::shared_ptr<Peer>& peer) {
  if (auto st = stateOf(peer)) {
    std::lock_guard lock(st->mu);
    st->closing = true;
    ++st->generation;  // a pending deadline finds nothing to do
  }
  RouterHandler::onDisconnection(peer);
}

void HttpHandler::onInput(const char* buffer, size_t len, const std::shared_ptr<Peer>& peer) {
  auto st = stateOf(peer);
  if (!st) return;
  std::lock_guard lock(st->mu);
  if (st->closing) return;
  try {
    handleInput(std::string_view(buffer, len), peer, st);
  } catch (const std::exception& e) {
    // Nothing may escape into Pistache, which would answer 500 with what() in plain text.
    spdlog::error("HTTP input handling failed: {}", e.what());
    st->closing = true;
    ::shutdown(peer->fd(), SHUT_RDWR);
  }
}

void HttpHandler::handleInput(std::string_view bytes, const std::shared_ptr<Peer>& peer,
                              const std::shared_ptr<PeerState>& st) {
  st->framer.feed(bytes);
  if (st->busy && st->framer.buffered() > shared_->options().limits.max_request_bytes) {
    // A client that keeps sending while its previous answer is pending: it gets no more.
    st->closing = true;
    ::shutdown(peer->fd(), SHUT_RDWR);
    return;
  }
  process(peer, *st);
  // Input that made progress is activity: restart Pistache's idle clock (it runs from its
  // parser's reset). Blank lines alone do not, so they cannot hold a connection open.
  if (st->framer.midRequest() || st->busy) getParser(peer)->reset();
  updateDeadline(peer, st);
  peer->setIdle(true);
}

void HttpHandler::updateDeadline(const std::shared_ptr<Peer>& peer,
                                 const std::shared_ptr<PeerState>& st) {
  if (st->closing || st->busy || !st->framer.midRequest()) {
    if (st->armed) ++st->generation;
    st->armed = false;
    return;
  }
  if (!st->armed) {
    st->armed = true;
    st->in_body = false;
    ++st->generation;
    armDeadline(peer, st, shared_->options().header_timeout);
  }
  if (st->framer.inBody() && !st->in_body) {
    st->in_body = true;
    ++st->generation;
    armDeadline(peer, st, shared_->options().body_timeout);
  }
}

void HttpHandler::process(const std::shared_ptr<Peer>& peer, PeerState& st) {
  st.processing = true;
  while (!st.closing && !st.busy) {
    Framed framed = st.framer.next();
    if (framed.kind == Framed::Kind::NeedMore) break;
    switch (framed.kind) {
      case Framed::Kind::Continue:
        peer->send(Pistache::RawBuffer("HTTP/1.1 100 Continue\r\n\r\n", 25));
        break;
      case Framed::Kind::Request:
        st.pipelined = st.framer.buffered() > 0 ? st.pipelined + 1 : 0;
        if (st.pipelined > kMaxPipelined) {
          st.closing = true;
          ::shutdown(peer->fd(), SHUT_RDWR);
          break;
        }
        dispatch(framed, peer, st);
        break;
      case Framed::Kind::UnknownMethod: {
        const std::string allow = shared_->allowFor(framed.path);
        const Error error =
            allow.empty() ? Error{ErrorCode::NotFound, "No route matches this path."}
                          : Error{ErrorCode::MethodNotAllowed, "This route allows " + allow + "."};
        answerAndClose(*shared_, st, transport(), this, peer, error, framed, allow);
        break;
      }
      case Framed::Kind::Reject:
        answerAndClose(*shared_, st, transport(), this, peer, framed.error, framed);
        break;
      case Framed::Kind::NeedMore:
        break;
    }
  }
  st.processing = false;
}

void HttpHandler::requestAnswered(const std::shared_ptr<Peer>& peer) {
  if (!peer) return;
  auto st = stateOf(peer);
  if (!st) return;
  std::lock_guard lock(st->mu);
  st->busy = false;
  // Answered inside process() (a route that ran on the reactor thread): its loop goes on.
  // Otherwise frame and dispatch what arrived meanwhile, here: routes may answer from any
  // thread, and the next answer queues behind this one.
  if (st->processing || st->closing) return;
  st->handler->process(peer, *st);
  st->handler->updateDeadline(peer, st);
}

void HttpHandler::dispatch(const Framed& framed, const std::shared_ptr<Peer>& peer, PeerState& st) {
  // This request arrived whole: its deadline is over, and the next request gets its own.
  if (st.armed) ++st.generation;
  st.armed = false;
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
    answerAndClose(*shared_, st, transport(), this, peer,
                   Error{ErrorCode::BadRequest, "Malformed request."}, framed);
    return;
  }
  auto& request = parser->request;
  request.copyAddress(peer->address());
  Pistache::Http::ResponseWriter response(request.version(), transport(), this, peer);
  // HTTP/1.1 keeps the connection unless asked not to; HTTP/1.0 only when asked to. After a
  // `close`, no further request is read; the client closes (or Pistache, once idle).
  if (!framed.keep_alive) {
    st.closing = true;
    response.headers().add<Pistache::Http::Header::Connection>(
        Pistache::Http::ConnectionControl::Close);
  } else if (request.version() == Pistache::Http::Version::Http10) {
    response.headers().add<Pistache::Http::Header::Connection>(
        Pistache::Http::ConnectionControl::KeepAlive);
  }
  st.busy = true;
  try {
    RouterHandler::onRequest(request, std::move(response));
  } catch (const std::exception& e) {
    // Routes answer through RouteTable's guard, which catches everything; this is the router.
    spdlog::error("request dispatch failed: {}", e.what());
    answerAndClose(*shared_, st, transport(), this, peer,
                   Error{ErrorCode::Internal, "Unexpected error."}, framed);
  }
  parser->reset();
}

void HttpHandler::armDeadline(const std::shared_ptr<Peer>& peer,
                              const std::shared_ptr<PeerState>& st,
                              std::chrono::milliseconds after) {
  // A one-shot timer on this connection's reactor: its callback runs on the same thread as
  // the connection's input and disconnection, so it never races them.
  const int fd = ::timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
  if (fd < 0) return;  // no timer: Pistache's idle limit still closes the connection
  auto* transport = this->transport();
  const std::uint64_t generation = st->generation;
  std::weak_ptr<Peer> weak_peer = peer;
  std::weak_ptr<PeerState> weak_state = st;
  auto shared = shared_;
  Pistache::Async::Promise<uint64_t> timer([&](Pistache::Async::Deferred<uint64_t> deferred) {
    transport->armTimer(fd, after, std::move(deferred));
  });
  timer.then(
      [fd, weak_peer, weak_state, generation, shared, transport](uint64_t) {
        ::close(fd);
        auto p = weak_peer.lock();
        auto s = weak_state.lock();
        if (!p || !s) return;
        std::lock_guard lock(s->mu);
        if (s->closing || !s->armed || s->generation != generation) return;
        s->armed = false;
        try {
          answerAndClose(*shared, *s, transport, s->handler, p,
                         Error{ErrorCode::RequestTimeout,
                               s->in_body ? "The request body did not arrive in time."
                                          : "The request headers did not arrive in time."},
                         Framed{});
        } catch (const std::exception& e) {
          spdlog::error("request timeout answer failed: {}", e.what());
          ::shutdown(p->fd(), SHUT_RDWR);
        }
      },
      [fd](std::exception_ptr) { ::close(fd); });
}

}  // namespace authd::http
