#include "shared/presentation/health_routes.hpp"

#include <spdlog/spdlog.h>

namespace authd::http {

void addHealthRoutes(RouteTable& routes, std::function<bool()> ready) {
  ServerState* state = &routes.state();
  routes.get("/healthz", [](const Pistache::Rest::Request&, Pistache::Http::ResponseWriter& res,
                            const RequestContext&) {
    sendJson(res, 200, {{"status", "ok"}});
  });

  routes.get(
      "/readyz", [ready, state](const Pistache::Rest::Request&, Pistache::Http::ResponseWriter& res,
                                const RequestContext& ctx) {
        bool ok = false;
        try {
          ok = !state->draining.load() && ready();
        } catch (const std::exception& e) {
          spdlog::warn("request_id={} not ready: {}", ctx.request_id, e.what());
        }
        if (ok) return sendJson(res, 200, {{"status", "ready"}});
        sendProblem(res, Error{ErrorCode::Unavailable,
                               "Not ready: the database is unreachable or migrations are pending.",
                               {}});
      });

  routes.get("/metrics", [state](const Pistache::Rest::Request&,
                                 Pistache::Http::ResponseWriter& res, const RequestContext&) {
    res.send(Pistache::Http::Code::Ok, state->metrics.render(),
             Pistache::Http::Mime::MediaType::fromString("text/plain; version=0.0.4"));
  });
}

}  // namespace authd::http
