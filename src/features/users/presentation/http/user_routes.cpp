#include "features/users/presentation/http/user_routes.hpp"

#include "features/users/presentation/http/user_json.hpp"
#include "shared/presentation/json_fields.hpp"

namespace authd::users::presentation {
namespace {

using Pistache::Http::ResponseWriter;
using Pistache::Rest::Request;
using http::RequestContext;

constexpr const char* kAdmin = "admin";


}  // namespace

void withCaller(const Authenticator& authenticate, const Request& request, ResponseWriter& response,
                const char* role, const std::function<void(const Caller&)>& handler) {
  auto token = http::bearerToken(request);
  if (!token) return http::sendProblem(response, token.error());
  auto caller = authenticate(*token);
  if (!caller) return http::sendProblem(response, caller.error());
  if (role != nullptr && caller->user.roles().count(role) == 0) {
    return http::sendProblem(
        response, Error{ErrorCode::Forbidden, std::string("This route needs role ") + role + ".", {}});
  }
  handler(*caller);
}

void addUserRoutes(http::RouteTable& routes, UserUseCases uc, Authenticator authenticate) {
  routes.get("/v1/users/me", [authenticate](const Request& req, ResponseWriter& res,
                                            const RequestContext&) {
    withCaller(authenticate, req, res, nullptr,
               [&](const Caller& caller) { http::sendJson(res, 200, userJson(caller.user)); });
  });

  routes.patch("/v1/users/me", [uc, authenticate](const Request& req, ResponseWriter& res,
                                                  const RequestContext& ctx) {
    withCaller(authenticate, req, res, nullptr, [&](const Caller& caller) {
      auto body = http::jsonObjectBody(req);
      if (!body) return http::sendProblem(res, body.error());
      http::JsonFields f(*body);
      application::UpdateProfile::Input in;
      in.user_id = caller.user.id();
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
    withCaller(authenticate, req, res, kAdmin, [&](const Caller&) {
      auto query = http::queryParams(req, {"limit", "cursor", "q"});
      if (!query) return http::sendProblem(res, query.error());
      auto result = uc.list_users.execute({(*query)["limit"], (*query)["cursor"], (*query)["q"]});
      if (!result) return http::sendProblem(res, result.error());
      nlohmann::json users = nlohmann::json::array();
      for (const auto& u : result->users) users.push_back(userJson(u));
      http::sendJson(res, 200,
                     {{"users", std::move(users)},
                      {"next_cursor", http::stringOrNull(result->next_cursor)}});
    });
  });

  routes.get("/v1/admin/users/:id", [uc, authenticate](const Request& req, ResponseWriter& res,
                                                       const RequestContext&) {
    withCaller(authenticate, req, res, kAdmin, [&](const Caller&) {
      auto result = uc.get_user.execute(req.param(":id").as<std::string>());
      if (!result) return http::sendProblem(res, result.error());
      http::sendJson(res, 200, userJson(*result));
    });
  });

  auto roleRoute = [uc, authenticate](bool grant) {
    return [uc, authenticate, grant](const Request& req, ResponseWriter& res,
                                     const RequestContext& ctx) {
      withCaller(authenticate, req, res, kAdmin, [&](const Caller&) {
        auto status = uc.change_role.execute({req.param(":id").as<std::string>(),
                                              req.param(":role").as<std::string>(), grant,
                                              {ctx.user_agent, ctx.client_ip}});
        http::answer(res, status, [&] { http::sendNoContent(res); });
      });
    };
  };
  routes.put("/v1/admin/users/:id/roles/:role", roleRoute(true));
  routes.del("/v1/admin/users/:id/roles/:role", roleRoute(false));
}

}  // namespace authd::users::presentation
