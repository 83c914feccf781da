// Request and response plumbing shared by every route: request context, JSON and form body
// rules, bearer tokens and response helpers.
#pragma once

#include <pistache/http.h>
#include <pistache/router.h>

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "shared/core/result.hpp"
#include "shared/presentation/client_address.hpp"

namespace authd::http {

inline constexpr std::size_t kMaxBodyBytes = 65536;  // contract: larger bodies get 413

struct RequestContext {
  std::string request_id;
  std::string client_ip;
  std::string user_agent;
};

struct HttpOptions {
  bool trust_proxy = false;           // take the client address from X-Forwarded-For ...
  std::vector<Cidr> trusted_proxies;  // ... when the peer is one of these (clientAddress)
};

// A route handler. It may throw: the route guard (RouteTable) turns exceptions into 500/503.
using Handler = std::function<void(const Pistache::Rest::Request&, Pistache::Http::ResponseWriter&,
                                   const RequestContext&)>;

// The request body as a JSON object: 415 without Content-Type application/json, 413 above
// kMaxBodyBytes, 400 invalid_json when it does not parse to an object.
Result<nlohmann::json> jsonObjectBody(const Pistache::Rest::Request& request);

// Like jsonObjectBody, but also accepts application/x-www-form-urlencoded (RFC 7009 clients),
// turned into a JSON object of strings.
Result<nlohmann::json> jsonOrFormBody(const Pistache::Rest::Request& request);

// `body` as a JSON object; 400 invalid_json when it does not parse to one (or is not UTF-8).
Result<nlohmann::json> parseJsonObject(const std::string& body);

// Decodes an application/x-www-form-urlencoded body; nullopt when it is malformed.
std::optional<std::map<std::string, std::string>> parseForm(const std::string& body);

// The token of an "Authorization: Bearer <token>" header; Unauthorized when absent or not Bearer.
Result<std::string> bearerToken(const Pistache::Rest::Request& request);

using QueryValues = std::map<std::string, std::optional<std::string>>;

// The named query parameters, percent-decoded ('+' is a space), absent ones as nullopt.
// 422 invalid_format for each parameter whose value is malformed percent-encoding, invalid
// UTF-8 or holds a control character (NUL included): such bytes never reach a use case.
Result<QueryValues> queryParams(const Pistache::Rest::Request& request,
                                std::initializer_list<const char*> names);

// 422 invalid_format for each of the route's path parameters (`names`, without the ':') whose
// value, percent-decoded, is malformed, invalid UTF-8 or holds a control character (NUL
// included). Handlers still get the value as sent; this only keeps such values from them.
Status checkPathParams(const Pistache::Rest::Request& request,
                       const std::vector<std::string>& names);

// `value` as a JSON string, or null when absent.
nlohmann::json stringOrNull(const std::optional<std::string>& value);

// One page of a list route: {"<name>": [to_json(item), ...], "next_cursor": cursor or null}.
template <typename Items, typename ToJson>
nlohmann::json pageJson(const char* name, const Items& items, ToJson&& to_json,
                        const std::optional<std::string>& next_cursor) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& item : items) list.push_back(to_json(item));
  return {{name, std::move(list)}, {"next_cursor", stringOrNull(next_cursor)}};
}

// Adds a response header. Pistache 0.0.5 accepts Header::Raw on responses but never writes
// it, so extra headers go through a typed header with a runtime name.
void setHeader(Pistache::Http::ResponseWriter& response, std::string name, std::string value);

void sendJson(Pistache::Http::ResponseWriter& response, int status, const nlohmann::json& body);
// Token responses: Cache-Control no-store.
void sendNoStoreJson(Pistache::Http::ResponseWriter& response, int status,
                     const nlohmann::json& body);
void sendNoContent(Pistache::Http::ResponseWriter& response);
// A problem document; Unavailable and RateLimited also get Retry-After.
void sendProblem(Pistache::Http::ResponseWriter& response, const Error& error);

// Sends the problem for a failed Status, or runs `on_success`.
template <typename OnSuccess>
void answer(Pistache::Http::ResponseWriter& response, const Status& status, OnSuccess on_success) {
  if (status) {
    on_success();
  } else {
    sendProblem(response, status.error());
  }
}

// A fresh request id (a random UUID); unique, not secret.
std::string newRequestId();

// application/problem+json
const Pistache::Http::Mime::MediaType& problemMediaType();

// True when `id` may be echoed as X-Request-Id.
bool isAcceptableRequestId(const std::string& id);

// The request id, client address (clientAddress) and user agent of a request. The user agent
// is repaired (repairText, 512 bytes): it reaches sessions and audit rows, and a client's
// odd bytes must never fail the write that records them.
RequestContext contextOf(const Pistache::Rest::Request& request, const HttpOptions& options);

}  // namespace authd::http
