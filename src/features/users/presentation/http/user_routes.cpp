#include "features/users/presentation/http/user_routes.hpp"

#include "features/users/presentation/http/user_json.hpp"
#include "shared/presentation/json_fields.hpp"

namespace authd::users::presentation {
namespace {

using http::Principal;
using http::RequestContext;
using http::withPrincipal;
using Pistache::Http::ResponseWriter;
using Pistache::Rest::Request;

constexpr const char* kAdmin = "admin";

}  // namespace

void addUserRoutes(http::RouteTable& routes, UserUseCases uc, http::Authenticator authenticate) {
  routes.get("/v1/users/me",
             [uc, authenticate](const Request& req, ResponseWriter& res, const RequestContext&) {
               withPrincipal(authenticate, req, res, nullptr, [&](const Principal& caller) {
                 auto profile = uc.get_profile.execute(caller.user_id);
                 if (!profile) return http::sendProblem(res, profile.error());
                 http::sendJson(res, 200, profileJson(*profile));
               });
             });

  routes.patch("/v1/users/me", [uc, authenticate](const Request& req, ResponseWriter& res,
                                                  const RequestContext& ctx) {
    withPrincipal(authenticate, req, res, nullptr, [&](const Principal& caller) {
      auto body = http::jsonObjectBody(req);
      if (!body) return http::sendProblem(res, body.error());
      http::JsonFields f(*body);
      application::UpdateProfile::Input in;
      in.user_id = caller.user_id;
      in.display_name_given = f.present("display_name");
      in.display_name = f.optionalString("display_name");
      in.username = f.optionalString("username");
      if (f.present("username") && f.isNull("username")) {
        return http::sendProblem(
            res, validationError({{"username", "invalid_type", "username cannot be null."}}));
      }
      if (!f.errors().empty()) return http::sendProblem(res, validationError(f.errors()));
      in.client = {ctx.user_agent, ctx.client_ip};
      auto result = uc.update_profile.execute(in);
      if (!result) return http::sendProblem(res, result.error());
      http::sendJson(res, 200, userJson(*result));
    });
  });

  routes.get("/v1/admin/users", [uc, authenticate](const Request& req, ResponseWriter& res,
                                                   const RequestContext&) {
    withPrincipal(authenticate, req, res, kAdmin, [&](const Principal&) {
      auto query = http::queryParams(req, {"limit", "cursor", "q"});
      if (!query) return http::sendProblem(res, query.error());
      auto result = uc.list_users.execute({(*query)["limit"], (*query)["cursor"], (*query)["q"]});
      if (!result) return http::sendProblem(res, result.error());
      http::sendJson(res, 200,
                     http::pageJson("users", result->users, userJson, result->next_cursor));
    });
  });

  routes.get("/v1/admin/users/:id",
             [uc, authenticate](const Request& req, ResponseWriter& res, const RequestContext&) {
               withPrincipal(authenticate, req, res, kAdmin, [&](const Principal&) {
                 auto result = uc.get_user.execute(req.param(":id").as<std::string>());
                 if (!result) return http::sendProblem(res, result.error());
                 http::sendJson(res, 200, userJson(*result));
               });
             });

  auto roleRoute = [uc, authenticate](bool grant) {
    return [uc, authenticate, grant](const Request& req, ResponseWriter& res,
                                     const RequestContext& ctx) {
      withPrincipal(authenticate, req, res, kAdmin, [&](const Principal&) {
        auto status = uc.change_role.execute({req.param(":id").as<std::string>(),
                                              req.param(":role").as<std::string>(),
                                              grant,
                                              {ctx.user_agent, ctx.client_ip}});
        http::answer(res, status, [&] { http::sendNoContent(res); });
      });
    };
  };
  routes.put("/v1/admin/users/:id/roles/:role", roleRoute(true));
  routes.del("/v1/admin/users/:id/roles/:role", roleRoute(false));
}

}  // namespace authd::users::presentation
