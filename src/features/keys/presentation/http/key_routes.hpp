#pragma once

#include <string>

#include "features/keys/application/use_cases/list_public_keys.hpp"
#include "shared/core/time.hpp"
#include "shared/presentation/route_table.hpp"

namespace authd::keys::presentation {

// GET /.well-known/jwks.json and GET /.well-known/openid-configuration for the issuer at base
// URL `issuer`. `list_public_keys` must outlive the router.
void addKeyRoutes(http::RouteTable& routes, const application::ListPublicKeys& list_public_keys,
                  std::string issuer, Seconds jwks_max_age);

}  // namespace authd::keys::presentation
