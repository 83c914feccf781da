#include "features/auth/presentation/http/auth_routes.hpp"
#include "features/auth/presentation/http/route_support.hpp"
#include "features/auth/presentation/http/token_json.hpp"
#include "shared/presentation/json_fields.hpp"

namespace authd::auth::presentation {

using http::Principal;
using http::RequestContext;
using http::withPrincipal;
using Pistache::Http::ResponseWriter;
using Pistache::Rest::Request;

// Register, login, refresh, logout, logout-all, revoke and introspect.
void addTokenRoutes(http::RouteTable& routes, const TokenUseCases& uc, UserJson user_json,
                    http::Authenticator authenticate) {
  http::Metrics* metrics = &routes.state().metrics;

  routes.post("/v1/auth/register", http::kPerClientLimit | http::kHashing,
              [uc, user_json](const Request& req, ResponseWriter& res, const RequestContext& ctx) {
                auto body = http::jsonObjectBody(req);
                if (!body) return http::sendProblem(res, body.error());
                http::JsonFields f(*body);
                application::RegisterUser::Input in;
                in.email = f.requiredString("email").value_or("");
                in.username = f.requiredString("username").value_or("");
                in.password = f.requiredSecret("password").value_or("");
                in.display_name = f.optionalString("display_name");
                in.client = clientOf(ctx);
                if (!f.errors().empty()) {
                  // Report type and presence errors together with the format errors of the fields
                  // that were well-typed, so the client sees every bad field at once.
                  auto errors = f.errors();
                  auto more = uc.register_user.validate(in, f.badFields());
                  errors.insert(errors.end(), more.begin(), more.end());
                  return http::sendProblem(res, validationError(std::move(errors)));
                }
                answerGrant(res, uc.register_user.execute(in), 201, user_json);
              });
  routes.post(
      "/v1/auth/login", http::kPerClientLimit | http::kHashing,
      [uc, metrics, user_json](const Request& req, ResponseWriter& res, const RequestContext& ctx) {
        auto body = http::jsonObjectBody(req);
        if (!body) return http::sendProblem(res, body.error());
        http::JsonFields f(*body);
        application::LoginUser::Input in;
        in.email = f.optionalString("email");
        in.username = f.optionalString("username");
        const auto password = f.requiredSecret("password");
        if (f.errors().empty() && !in.email && !in.username) {
          return http::sendProblem(
              res, validationError({{"email", "required", "Give an email or a username."}}));
        }
        if (!f.errors().empty()) return http::sendProblem(res, validationError(f.errors()));
        in.password = *password;
        in.client = clientOf(ctx);
        auto result = uc.login_user.execute(in);
        if (!result && result.error().code == ErrorCode::InvalidCredentials)
          metrics->countLoginFailure();
        // The per-address bucket answers before this handler: a 429 here is the lockout.
        if (!result && result.error().code == ErrorCode::RateLimited)
          metrics->countLockoutRefusal();
        answerGrant(res, result, 200, user_json);
      });
  routes.post(
      "/v1/auth/refresh", http::kPerClientLimit,
      [uc, metrics, user_json](const Request& req, ResponseWriter& res, const RequestContext& ctx) {
        auto token = requiredField(req, res, "refresh_token");
        if (!token) return;
        auto result = uc.refresh_session.execute({*token, clientOf(ctx)});
        if (!result && result.error().code == ErrorCode::RefreshTokenReused)
          metrics->countRefreshReuse();
        answerGrant(res, result, 200, user_json);
      });
  routes.post("/v1/auth/logout", http::kPerClientLimit,
              [uc](const Request& req, ResponseWriter& res, const RequestContext& ctx) {
                auto token = requiredField(req, res, "refresh_token");
                if (!token) return;
                http::answer(res, uc.logout.execute(*token, clientOf(ctx)),
                             [&] { http::sendNoContent(res); });
              });
  routes.post("/v1/auth/logout-all", [uc, authenticate](const Request& req, ResponseWriter& res,
                                                        const RequestContext& ctx) {
    withPrincipal(authenticate, req, res, nullptr, [&](const Principal& caller) {
      http::answer(res, uc.logout_all.execute(caller.user_id, clientOf(ctx)),
                   [&] { http::sendNoContent(res); });
    });
  });
  routes.post("/v1/auth/revoke", http::kPerClientLimit,
              [uc](const Request& req, ResponseWriter& res, const RequestContext& ctx) {
                auto body = http::jsonOrFormBody(req);
                if (!body) return http::sendProblem(res, body.error());
                http::JsonFields f(*body);
                auto token = f.requiredString("token");
                auto hint = f.optionalString("token_type_hint");
                if (!f.errors().empty()) return http::sendProblem(res, validationError(f.errors()));
                // RFC 7009: the answer does not say whether the token was valid.
                http::answer(res, uc.revoke_token.execute(*token, hint, clientOf(ctx)),
                             [&] { http::sendNoStoreJson(res, 200, nlohmann::json::object()); });
              });
  routes.post("/v1/auth/introspect",
              [uc](const Request& req, ResponseWriter& res, const RequestContext&) {
                auto token = requiredField(req, res, "token", /*allow_form=*/true);
                if (!token) return;
                const auto out = uc.introspect.execute(*token);
                if (!out.active) return http::sendNoStoreJson(res, 200, {{"active", false}});
                http::sendNoStoreJson(res, 200, introspectionJson(out.claims));
              });
}

}  // namespace authd::auth::presentation
