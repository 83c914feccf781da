#include "features/keys/presentation/http/key_routes.hpp"

#include "features/keys/presentation/http/key_json.hpp"
#include "shared/presentation/http_support.hpp"

namespace authd::keys::presentation {

using http::RequestContext;
using Pistache::Http::ResponseWriter;
using Pistache::Rest::Request;

void addKeyRoutes(http::RouteTable& routes, const application::ListPublicKeys& list_public_keys,
                  std::string issuer, Seconds jwks_max_age) {
  // Cacheable: relying services fetch these rarely (and again on an unknown kid). A rotated key
  // is published AUTH_KEY_ACTIVATION_DELAY (at least this max-age) before it signs.
  const std::string cache = "public, max-age=" + std::to_string(jwks_max_age.count());
  routes.get(
      "/.well-known/jwks.json",
      [&list_public_keys, cache](const Request&, ResponseWriter& res, const RequestContext&) {
        http::setHeader(res, "Cache-Control", cache);
        http::sendJson(res, 200, jwksJson(list_public_keys.execute()));
      });

  routes.get("/.well-known/openid-configuration",
             [issuer](const Request&, ResponseWriter& res, const RequestContext&) {
               http::setHeader(res, "Cache-Control", "public, max-age=300");
               http::sendJson(res, 200, discoveryJson(issuer));
             });
}

}  // namespace authd::keys::presentation
