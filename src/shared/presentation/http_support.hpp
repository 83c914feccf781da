// Request and response plumbing shared by every route: the route guard, request ids,
// JSON body rules and response helpers.
#pragma once

#include <functional>
#include <string>

#include <nlohmann/json.hpp>
#include <pistache/http.h>
#include <pistache/router.h>

#include "shared/core/result.hpp"

namespace authd::http {

inline constexpr std::size_t kMaxBodyBytes = 65536;  // contract: larger bodies get 413

struct RequestContext {
  std::string request_id;
  std::string client_ip;
  std::string user_agent;
};

struct HttpOptions {
  bool trust_proxy = false;  // take the client address from X-Forwarded-For
};

using Handler =
    std::function<void(const Pistache::Rest::Request&, Pistache::Http::ResponseWriter&,
                       const RequestContext&)>;

// Wraps a handler so that no exception reaches Pistache (which would answer 500 with what()):
// assigns the request id (the client's X-Request-Id when it is 1-128 of [A-Za-z0-9._-], else a
// new UUID) and sets it on the response, fills the client address and user agent, turns
// UnavailableError into 503 with Retry-After and anything else into 500 `internal`, logged
// with the request id and never echoed to the client.
Pistache::Rest::Route::Handler guard(Handler handler, HttpOptions options = {});

// The request body as a JSON object: 415 without Content-Type application/json, 413 above
// kMaxBodyBytes, 400 invalid_json when it does not parse to an object.
Result<nlohmann::json> jsonObjectBody(const Pistache::Rest::Request& request);

// Adds a response header. Pistache 0.0.5 accepts Header::Raw on responses but never writes
// it, so extra headers go through a typed header with a runtime name.
void setHeader(Pistache::Http::ResponseWriter& response, std::string name, std::string value);

void sendJson(Pistache::Http::ResponseWriter& response, int status, const nlohmann::json& body);
// Token responses: Cache-Control no-store.
void sendNoStoreJson(Pistache::Http::ResponseWriter& response, int status,
                     const nlohmann::json& body);
void sendProblem(Pistache::Http::ResponseWriter& response, const Error& error);

// True when `id` may be echoed as X-Request-Id.
bool isAcceptableRequestId(const std::string& id);

}  // namespace authd::http
