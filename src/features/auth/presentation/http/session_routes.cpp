#include "features/auth/presentation/http/auth_routes.hpp"
#include "features/auth/presentation/http/route_support.hpp"
#include "features/auth/presentation/http/session_json.hpp"
#include "shared/presentation/json_fields.hpp"

namespace authd::auth::presentation {

using http::Principal;
using http::RequestContext;
using http::withPrincipal;
using Pistache::Http::ResponseWriter;
using Pistache::Rest::Request;

// The caller's sessions and security events.
void addSessionRoutes(http::RouteTable& routes, const SessionUseCases& uc,
                      http::Authenticator authenticate) {
  routes.get("/v1/auth/sessions",
             [uc, authenticate](const Request& req, ResponseWriter& res, const RequestContext&) {
               withPrincipal(authenticate, req, res, nullptr, [&](const Principal& caller) {
                 auto listed = uc.list_sessions.execute(caller.user_id, caller.session_id);
                 if (!listed) return http::sendProblem(res, listed.error());
                 nlohmann::json sessions = nlohmann::json::array();
                 for (const auto& v : *listed) sessions.push_back(sessionJson(v));
                 http::sendJson(res, 200, {{"sessions", std::move(sessions)}});
               });
             });
  routes.del("/v1/auth/sessions/:id", [uc, authenticate](const Request& req, ResponseWriter& res,
                                                         const RequestContext& ctx) {
    withPrincipal(authenticate, req, res, nullptr, [&](const Principal& caller) {
      http::answer(res,
                   uc.revoke_session.execute(caller.user_id, req.param(":id").as<std::string>(),
                                             clientOf(ctx)),
                   [&] { http::sendNoContent(res); });
    });
  });
  routes.get("/v1/auth/events", [uc, authenticate](const Request& req, ResponseWriter& res,
                                                   const RequestContext&) {
    withPrincipal(authenticate, req, res, nullptr, [&](const Principal& caller) {
      auto query = http::queryParams(req, {"limit", "cursor"});
      if (!query) return http::sendProblem(res, query.error());
      auto result = uc.list_events.execute(caller.user_id, (*query)["limit"], (*query)["cursor"]);
      if (!result) return http::sendProblem(res, result.error());
      http::sendJson(res, 200,
                     http::pageJson("events", result->events, eventJson, result->next_cursor));
    });
  });

  // The admin console's routes for one account (contract, "Hosted pages").
  routes.get("/v1/admin/users/:id/sessions",
             [uc, authenticate](const Request& req, ResponseWriter& res, const RequestContext&) {
               withPrincipal(authenticate, req, res, "admin", [&](const Principal&) {
                 auto listed = uc.admin_accounts.sessions(req.param(":id").as<std::string>());
                 if (!listed) return http::sendProblem(res, listed.error());
                 nlohmann::json sessions = nlohmann::json::array();
                 for (const auto& v : *listed) sessions.push_back(sessionJson(v));
                 http::sendJson(res, 200, {{"sessions", std::move(sessions)}});
               });
             });
  routes.del("/v1/admin/users/:id/sessions", [uc, authenticate](const Request& req,
                                                                ResponseWriter& res,
                                                                const RequestContext& ctx) {
    withPrincipal(authenticate, req, res, "admin", [&](const Principal&) {
      http::answer(
          res, uc.admin_accounts.revokeSessions(req.param(":id").as<std::string>(), clientOf(ctx)),
          [&] { http::sendNoContent(res); });
    });
  });
  routes.get("/v1/admin/users/:id/events",
             [uc, authenticate](const Request& req, ResponseWriter& res, const RequestContext&) {
               withPrincipal(authenticate, req, res, "admin", [&](const Principal&) {
                 auto query = http::queryParams(req, {"limit", "cursor"});
                 if (!query) return http::sendProblem(res, query.error());
                 auto result = uc.admin_accounts.events(req.param(":id").as<std::string>(),
                                                        (*query)["limit"], (*query)["cursor"]);
                 if (!result) return http::sendProblem(res, result.error());
                 http::sendJson(
                     res, 200,
                     http::pageJson("events", result->events, eventJson, result->next_cursor));
               });
             });
  routes.del("/v1/admin/users/:id", [uc, authenticate](const Request& req, ResponseWriter& res,
                                                       const RequestContext& ctx) {
    withPrincipal(authenticate, req, res, "admin", [&](const Principal&) {
      http::answer(res, uc.admin_accounts.remove(req.param(":id").as<std::string>(), clientOf(ctx)),
                   [&] { http::sendNoContent(res); });
    });
  });
}

}  // namespace authd::auth::presentation
