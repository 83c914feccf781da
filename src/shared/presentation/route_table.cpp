#include "shared/presentation/route_table.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "shared/core/errors.hpp"
#include "shared/presentation/http_handler.hpp"

namespace authd::http {
namespace {

using Pistache::Http::Method;

constexpr Method kMethods[] = {Method::Get,    Method::Post,    Method::Put, Method::Patch,
                               Method::Delete, Method::Options, Method::Head};

void addRoute(Pistache::Rest::Router& r, Method m, const std::string& path,
              Pistache::Rest::Route::Handler h) {
  switch (m) {
    case Method::Get:
      return Pistache::Rest::Routes::Get(r, path, std::move(h));
    case Method::Post:
      return Pistache::Rest::Routes::Post(r, path, std::move(h));
    case Method::Put:
      return Pistache::Rest::Routes::Put(r, path, std::move(h));
    case Method::Patch:
      return Pistache::Rest::Routes::Patch(r, path, std::move(h));
    case Method::Delete:
      return Pistache::Rest::Routes::Delete(r, path, std::move(h));
    case Method::Options:
      return Pistache::Rest::Routes::Options(r, path, std::move(h));
    case Method::Head:
      return Pistache::Rest::Routes::Head(r, path, std::move(h));
    default:
      return;
  }
}

// The ":name" segments of a route pattern, without the ':'. checkPathParams reads every one on
// each request, so none may be absent: an optional one (":x?") or a splat would make each
// request to the route throw. Such a pattern is refused here, at start-up.
std::vector<std::string> pathParamNames(const std::string& path) {
  std::vector<std::string> names;
  for (std::size_t at = path.find("/:"); at != std::string::npos; at = path.find("/:", at + 1)) {
    const auto end = std::min(path.find('/', at + 1), path.size());
    names.push_back(path.substr(at + 2, end - at - 2));
  }
  if (path.find('*') != std::string::npos ||
      std::any_of(names.begin(), names.end(),
                  [](const std::string& n) { return n.empty() || n.back() == '?'; })) {
    throw std::logic_error("route " + path + ": optional and splat segments are not supported");
  }
  return names;
}

// One access-log line per request; never a body, header value or token.
void logAccess(bool json, const RequestContext& ctx, const char* method, const std::string& route,
               int status, double seconds) {
  const double ms = seconds * 1000.0;
  if (json) {
    nlohmann::json line = {{"msg", "request"},       {"request_id", ctx.request_id},
                           {"method", method},       {"route", route},
                           {"status", status},       {"duration_ms", ms},
                           {"client", ctx.client_ip}};
    spdlog::get("authd.access")
        ->info(line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  } else {
    spdlog::info("request {} {} {} {:.2f}ms request_id={} client={}", method, route, status, ms,
                 ctx.request_id, ctx.client_ip);
  }
}

// The guard proper: request id, per-client limit, draining, the handler, exceptions to problem
// documents, metrics and the access log. Runs on an I/O thread, or on the hashing pool.
void serveGuarded(ServerState& state, const std::string& route, const Handler& handler,
                  bool limited, const Pistache::Rest::Request& req,
                  Pistache::Http::ResponseWriter& response,
                  std::chrono::steady_clock::time_point started) {
  RequestContext ctx;
  ctx.request_id = "-";
  try {
    ctx = contextOf(req, state.options);
    setHeader(response, "X-Request-Id", ctx.request_id);
    TokenBucketLimiter::Decision allowed;
    if (limited && state.client_limiter) {
      allowed = state.client_limiter->take(ctx.client_ip, std::chrono::steady_clock::now());
    }
    if (state.draining.load()) {
      setHeader(response, "Connection", "close");
      sendProblem(response, Error{ErrorCode::Unavailable, "The server is shutting down.", {}});
    } else if (!allowed.allowed) {
      Error e{ErrorCode::RateLimited, "Too many requests from this address; slow down.", {}};
      e.retry_after = allowed.retry_after_s;
      sendProblem(response, e);
    } else {
      handler(req, response, ctx);
    }
  } catch (const OverloadedError& e) {
    spdlog::warn("request_id={} overloaded: {}", ctx.request_id, e.what());
    Error busy{ErrorCode::Unavailable, "The server is busy; retry shortly.", {}};
    busy.retry_after = 1;
    sendProblem(response, busy);
  } catch (const UnavailableError& e) {
    spdlog::error("request_id={} unavailable: {}", ctx.request_id, e.what());
    sendProblem(response, Error{ErrorCode::Unavailable, "The database is unreachable.", {}});
  } catch (const std::exception& e) {
    // Logged with the request id; the client gets no detail (no SQL, no what()).
    if (state.is_unavailable && state.is_unavailable(e)) {
      spdlog::error("request_id={} unavailable: {}", ctx.request_id, e.what());
      sendProblem(response, Error{ErrorCode::Unavailable, "The database is unreachable.", {}});
    } else {
      spdlog::error("request_id={} internal error: {}", ctx.request_id, e.what());
      sendProblem(response, Error{ErrorCode::Internal,
                                  "Unexpected error; quote request id " + ctx.request_id + ".",
                                  {}});
    }
  } catch (...) {
    spdlog::error("request_id={} internal error: unknown exception", ctx.request_id);
    sendProblem(response, Error{ErrorCode::Internal, "Unexpected error.", {}});
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  const int status = static_cast<int>(response.getResponseCode());
  recordAnswer(state, ctx, Pistache::Http::methodString(req.method()), route, status, seconds);
  state.in_flight.fetch_sub(1);
  HttpHandler::requestAnswered(response.getPeer());  // the connection may take its next request
}

}  // namespace

void recordAnswer(ServerState& state, const RequestContext& ctx, const char* method,
                  const std::string& route, int status, double seconds) {
  state.metrics.observeRequest(route, method, status, seconds);
  logAccess(state.json_logs, ctx, method, route, status, seconds);
}

Pistache::Rest::Route::Handler RouteTable::guarded(std::string route, Handler handler,
                                                   unsigned flags) {
  ServerState* state = &state_;
  const bool limited = (flags & kPerClientLimit) != 0;
  const bool hashing = (flags & kHashing) != 0;
  return [state, route = std::move(route), handler = std::move(handler), limited, hashing](
             const Pistache::Rest::Request& req, Pistache::Http::ResponseWriter response) {
    const auto started = std::chrono::steady_clock::now();
    state->in_flight.fetch_add(1);
    if (hashing && state->hashing_pool) {
      // Pistache lets a ResponseWriter finish on another thread; the request is copied
      // because Pistache owns it only for this call.
      auto request = std::make_shared<const Pistache::Rest::Request>(req);
      auto writer = std::make_shared<Pistache::Http::ResponseWriter>(std::move(response));
      const auto busy = [](const char* why) {
        return [why](const Pistache::Rest::Request&, Pistache::Http::ResponseWriter&,
                     const RequestContext&) { throw OverloadedError(why); };
      };
      const bool queued = state->hashing_pool->trySubmit([=] {
        if (std::chrono::steady_clock::now() - started > state->hashing_max_wait) {
          serveGuarded(*state, route, busy("waited too long for a hashing thread"), false, *request,
                       *writer, started);
        } else {
          serveGuarded(*state, route, handler, limited, *request, *writer, started);
        }
      });
      if (!queued) {
        serveGuarded(*state, route, busy("the hashing queue is full"), false, req, *writer,
                     started);
      }
    } else {
      serveGuarded(*state, route, handler, limited, req, response, started);
    }
    return Pistache::Rest::Route::Result::Ok;
  };
}

void RouteTable::add(Method method, const std::string& path, Handler h, unsigned flags) {
  auto params = pathParamNames(path);
  paths_[path].insert(method);
  if (!params.empty()) {
    // A NUL or invalid UTF-8 in a path value is the client's mistake, named as such (422),
    // not an unknown resource.
    h = [params = std::move(params), h = std::move(h)](const Pistache::Rest::Request& req,
                                                       Pistache::Http::ResponseWriter& res,
                                                       const RequestContext& ctx) {
      if (auto clean = checkPathParams(req, params); !clean) return sendProblem(res, clean.error());
      h(req, res, ctx);
    };
  }
  addRoute(router_, method, path, guarded(path, std::move(h), flags));
}

namespace {

// Pistache's path syntax as RouteTable uses it: literal segments and ":name" parameters.
bool pathMatches(std::string_view pattern, std::string_view path) {
  while (true) {
    if (pattern.empty() || path.empty()) return pattern.empty() && path.empty();
    if (pattern.front() != '/' || path.front() != '/') return false;
    pattern.remove_prefix(1);
    path.remove_prefix(1);
    const auto pe = std::min(pattern.find('/'), pattern.size());
    const auto ce = std::min(path.find('/'), path.size());
    const auto seg = pattern.substr(0, pe), got = path.substr(0, ce);
    if (!seg.empty() && seg.front() == ':') {
      if (got.empty()) return false;
    } else if (seg != got) {
      return false;
    }
    pattern.remove_prefix(pe);
    path.remove_prefix(ce);
  }
}

}  // namespace

std::function<std::string(std::string_view)> RouteTable::allowLookup() const {
  std::vector<std::pair<std::string, std::string>> table(allow_.begin(), allow_.end());
  return [table = std::move(table)](std::string_view path) -> std::string {
    for (const auto& [pattern, allow] : table) {
      if (pathMatches(pattern, path)) return allow;
    }
    return {};
  };
}

void RouteTable::finish() {
  for (const auto& [path, methods] : paths_) {
    std::string allow;
    for (Method m : kMethods) {
      if (methods.count(m))
        allow += std::string(allow.empty() ? "" : ", ") + Pistache::Http::methodString(m);
    }
    allow_[path] = allow;
    for (Method m : kMethods) {
      if (methods.count(m)) continue;
      addRoute(router_, m, path,
               guarded(path, [allow](const Pistache::Rest::Request&,
                                     Pistache::Http::ResponseWriter& res, const RequestContext&) {
                 setHeader(res, "Allow", allow);
                 sendProblem(
                     res,
                     Error{ErrorCode::MethodNotAllowed, "This route allows " + allow + ".", {}});
               }));
    }
  }
  router_.addNotFoundHandler(
      guarded("unmatched", [](const Pistache::Rest::Request&, Pistache::Http::ResponseWriter& res,
                              const RequestContext&) {
        sendProblem(res, Error{ErrorCode::NotFound, "No route matches this path.", {}});
      }));
}

}  // namespace authd::http
