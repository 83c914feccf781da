// The pages authd serves itself (contract, "Hosted pages"): where the links in its mails land,
// and the admin console. Static files compiled into the binary; all they do, they do through
// the JSON API from the browser.
#pragma once

#include "shared/presentation/route_table.hpp"

namespace authd::pages::presentation {

// GET /verify-email, /confirm-email, /reset-password, /forgot-password, /admin/ and the
// stylesheet and scripts under /assets/.
void addPageRoutes(http::RouteTable& routes);

// The headers every page and asset carries: a strict Content-Security-Policy (scripts and
// styles from this origin only, no inline code, no framing), no Referer (tokens sit in the
// links' query strings), no MIME sniffing, no caching.
inline constexpr const char* kContentSecurityPolicy =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

}  // namespace authd::pages::presentation
