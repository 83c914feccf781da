// Pistache glue: a route handler that runs only for a valid authd access token.
//
//   router.get("/notes", authd::verifier::protect(verifier, [](auto& req, auto res, auto& claims) {
//     res.send(Pistache::Http::Code::Ok, "notes of " + claims.sub);
//   }));
//
// A refused token answers 401 with `WWW-Authenticate: Bearer error="invalid_token"` (RFC 6750;
// a request with no token at all gets `Bearer` alone, as its section 3.1 asks), a token without
// a required role 403 (error="insufficient_scope"), all as problem documents (RFC 9457).
#pragma once

#include <pistache/http.h>
#include <pistache/router.h>

#include <functional>
#include <string>
#include <vector>

#include "authd_verifier/introspection.hpp"
#include "authd_verifier/verifier.hpp"

namespace authd::verifier {

struct Guard {
  std::vector<std::string> roles;         // every one required
  const Introspection* strict = nullptr;  // when set, authd must also call the token active
};

using ProtectedHandler = std::function<void(const Pistache::Rest::Request&,
                                            Pistache::Http::ResponseWriter, const Claims&)>;

// The verifier (and the introspection) must outlive the route.
Pistache::Rest::Route::Handler protect(const Verifier& verifier, ProtectedHandler handler,
                                       Guard guard = {});

// The token of an "Authorization: Bearer <token>" header; empty when there is none.
std::string bearerToken(const Pistache::Rest::Request& request);

}  // namespace authd::verifier
