#include "features/pages/presentation/http/page_routes.hpp"

#include <stdexcept>
#include <string>

#include "shared/core/embedded_file.hpp"
#include "shared/presentation/http_support.hpp"

namespace authd::pages::presentation {

// Generated from assets/ by cmake/Embed.cmake.
const std::vector<EmbeddedFile>& embeddedPageAssets();

namespace {

using Pistache::Http::ResponseWriter;
using Pistache::Rest::Request;

const EmbeddedFile* findAsset(const std::string& name) {
  for (const auto& f : embeddedPageAssets()) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

const EmbeddedFile& asset(const std::string& name) {
  const auto* f = findAsset(name);
  if (f == nullptr) throw std::logic_error("missing page asset " + name);
  return *f;
}

std::string typeOf(const std::string& name) {
  if (name.size() > 5 && name.compare(name.size() - 5, 5, ".html") == 0) {
    return "text/html; charset=utf-8";
  }
  if (name.size() > 4 && name.compare(name.size() - 4, 4, ".css") == 0) {
    return "text/css; charset=utf-8";
  }
  if (name.size() > 4 && name.compare(name.size() - 4, 4, ".svg") == 0) return "image/svg+xml";
  return "text/javascript; charset=utf-8";
}

void sendAsset(ResponseWriter& res, const EmbeddedFile& f) {
  http::setHeader(res, "Content-Security-Policy", kContentSecurityPolicy);
  http::setHeader(res, "Referrer-Policy", "no-referrer");
  http::setHeader(res, "X-Content-Type-Options", "nosniff");
  http::setHeader(res, "X-Frame-Options", "DENY");
  http::setHeader(res, "Cache-Control", "no-store");
  res.send(Pistache::Http::Code::Ok, f.contents,
           Pistache::Http::Mime::MediaType::fromString(typeOf(f.name)));
}

// The handler of a page: the file is looked up at start-up, not per request.
http::Handler page(const std::string& file) {
  const EmbeddedFile& f = asset(file);
  return
      [&f](const Request&, ResponseWriter& res, const http::RequestContext&) { sendAsset(res, f); };
}

}  // namespace

void addPageRoutes(http::RouteTable& routes) {
  routes.get("/verify-email", page("verify-email.html"));
  routes.get("/confirm-email", page("confirm-email.html"));
  routes.get("/reset-password", page("reset-password.html"));
  routes.get("/forgot-password", page("forgot-password.html"));
  routes.get("/admin/", page("admin.html"));
  // Only the stylesheet, scripts and icon: the pages have their own paths.
  routes.get("/assets/:name",
             [](const Request& req, ResponseWriter& res, const http::RequestContext&) {
               const std::string name = req.param(":name").as<std::string>();
               const auto* f = findAsset(name);
               if (f == nullptr || typeOf(name).rfind("text/html", 0) == 0) {
                 return http::sendProblem(res, Error{ErrorCode::NotFound, "No such file.", {}});
               }
               sendAsset(res, *f);
             });
}

}  // namespace authd::pages::presentation
