#include "features/auth/presentation/http/auth_routes.hpp"
#include "features/auth/presentation/http/route_support.hpp"
#include "shared/presentation/json_fields.hpp"

namespace authd::auth::presentation {

using http::Principal;
using http::RequestContext;
using http::withPrincipal;
using Pistache::Http::ResponseWriter;
using Pistache::Rest::Request;

// Password change, account deletion, email verification and password reset.
void addAccountRoutes(http::RouteTable& routes, const AccountUseCases& uc, UserJson user_json,
                      http::Authenticator authenticate) {
  routes.post(
      "/v1/users/me/password", http::kPerClientLimit | http::kHashing,
      [uc, authenticate](const Request& req, ResponseWriter& res, const RequestContext& ctx) {
        withPrincipal(authenticate, req, res, nullptr, [&](const Principal& caller) {
          auto body = http::jsonObjectBody(req);
          if (!body) return http::sendProblem(res, body.error());
          http::JsonFields f(*body);
          auto current = f.requiredSecret("current_password");
          auto next = f.requiredSecret("new_password");
          if (!f.errors().empty()) return http::sendProblem(res, validationError(f.errors()));
          http::answer(res,
                       uc.change_password.execute(
                           {caller.user_id, caller.session_id, *current, *next, clientOf(ctx)}),
                       [&] { http::sendNoContent(res); });
        });
      });
  routes.del(
      "/v1/users/me", http::kPerClientLimit | http::kHashing,
      [uc, authenticate](const Request& req, ResponseWriter& res, const RequestContext& ctx) {
        withPrincipal(authenticate, req, res, nullptr, [&](const Principal& caller) {
          auto password =
              requiredField(req, res, "password", /*allow_form=*/false, /*secret=*/true);
          if (!password) return;
          http::answer(res,
                       uc.delete_account.execute(caller.user_id, caller.session_id, *password,
                                                 clientOf(ctx)),
                       [&] { http::sendNoContent(res); });
        });
      });
  routes.post("/v1/auth/verify-email/request", http::kPerClientLimit,
              [uc, authenticate](const Request& req, ResponseWriter& res, const RequestContext&) {
                withPrincipal(authenticate, req, res, nullptr, [&](const Principal& caller) {
                  http::answer(res, uc.request_verification.execute(caller.user_id),
                               [&] { res.send(Pistache::Http::Code::Accepted); });
                });
              });
  routes.post("/v1/auth/verify-email",
              [uc, user_json](const Request& req, ResponseWriter& res, const RequestContext& ctx) {
                auto token = requiredField(req, res, "token");
                if (!token) return;
                auto user = uc.verify_email.execute(*token, clientOf(ctx));
                if (!user) return http::sendProblem(res, user.error());
                http::sendJson(res, 200, user_json(user->profile()));
              });
  routes.post("/v1/auth/password-reset/request", http::kPerClientLimit,
              [uc](const Request& req, ResponseWriter& res, const RequestContext&) {
                auto email = requiredField(req, res, "email");
                if (!email) return;
                // 202 whatever the email: the answer must not tell whether an account has it.
                http::answer(res, uc.request_reset.execute(*email),
                             [&] { res.send(Pistache::Http::Code::Accepted); });
              });
  routes.post("/v1/auth/password-reset/confirm", http::kPerClientLimit | http::kHashing,
              [uc](const Request& req, ResponseWriter& res, const RequestContext& ctx) {
                auto body = http::jsonObjectBody(req);
                if (!body) return http::sendProblem(res, body.error());
                http::JsonFields f(*body);
                auto token = f.requiredString("token");
                auto password = f.requiredSecret("new_password");
                if (!f.errors().empty()) return http::sendProblem(res, validationError(f.errors()));
                http::answer(res, uc.confirm_reset.execute(*token, *password, clientOf(ctx)),
                             [&] { http::sendNoContent(res); });
              });
  routes.post(
      "/v1/users/me/email", http::kPerClientLimit | http::kHashing,
      [uc, authenticate](const Request& req, ResponseWriter& res, const RequestContext& ctx) {
        withPrincipal(authenticate, req, res, nullptr, [&](const Principal& caller) {
          auto body = http::jsonObjectBody(req);
          if (!body) return http::sendProblem(res, body.error());
          http::JsonFields f(*body);
          auto new_email = f.requiredString("new_email");
          auto password = f.requiredSecret("password");
          if (!f.errors().empty()) return http::sendProblem(res, validationError(f.errors()));
          http::answer(
              res,
              uc.request_email_change.execute(caller.user_id, *new_email, *password, clientOf(ctx)),
              [&] { res.send(Pistache::Http::Code::Accepted); });
        });
      });
  routes.post("/v1/auth/email-change/confirm", http::kPerClientLimit,
              [uc, user_json](const Request& req, ResponseWriter& res, const RequestContext& ctx) {
                auto token = requiredField(req, res, "token");
                if (!token) return;
                auto user = uc.confirm_email_change.execute(*token, clientOf(ctx));
                if (!user) return http::sendProblem(res, user.error());
                http::sendJson(res, 200, user_json(user->profile()));
              });
  routes.del("/v1/admin/users/:id/lockout", [uc, authenticate](const Request& req,
                                                               ResponseWriter& res,
                                                               const RequestContext& ctx) {
    withPrincipal(authenticate, req, res, "admin", [&](const Principal&) {
      http::answer(res, uc.lift_lockout.execute(req.param(":id").as<std::string>(), clientOf(ctx)),
                   [&] { http::sendNoContent(res); });
    });
  });
}

}  // namespace authd::auth::presentation
