#include "features/auth/presentation/http/auth_routes.hpp"
#include "features/auth/presentation/http/key_json.hpp"
#include "features/auth/presentation/http/route_support.hpp"
#include "shared/presentation/json_fields.hpp"

namespace authd::auth::presentation {

using http::RequestContext;
using Pistache::Http::ResponseWriter;
using Pistache::Rest::Request;

// The JWKS and the OpenID discovery document.
void addKeyRoutes(http::RouteTable& routes, const AuthUseCases& uc) {
  // Cacheable: relying services fetch these rarely (and again on an unknown kid).
  routes.get("/.well-known/jwks.json",
             [uc](const Request&, ResponseWriter& res, const RequestContext&) {
               http::setHeader(res, "Cache-Control", "public, max-age=300");
               http::sendJson(res, 200, jwksJson(uc.keys.publicKeys()));
             });

  routes.get("/.well-known/openid-configuration",
             [uc](const Request&, ResponseWriter& res, const RequestContext&) {
               http::setHeader(res, "Cache-Control", "public, max-age=300");
               http::sendJson(res, 200, discoveryJson(uc.issuer));
             });
}

}  // namespace authd::auth::presentation
