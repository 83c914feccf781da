#include "features/auth/presentation/http/auth_routes.hpp"
#include "features/auth/presentation/http/route_support.hpp"
#include "shared/presentation/json_fields.hpp"

namespace authd::auth::presentation {

using http::Principal;
using http::RequestContext;
using http::withPrincipal;
using Pistache::Http::ResponseWriter;
using Pistache::Rest::Request;

namespace {

// Recovery codes are shown once and never stored in the clear: not cacheable.
void sendRecoveryCodes(ResponseWriter& res, const std::vector<std::string>& codes) {
  http::sendNoStoreJson(res, 200, {{"recovery_codes", codes}});
}

}  // namespace

void addMfaRoutes(http::RouteTable& routes, const MfaUseCases& uc, UserJson user_json,
                  http::Authenticator authenticate) {
  http::Metrics* metrics = &routes.state().metrics;

  routes.post(
      "/v1/users/me/mfa/totp", http::kHashing,
      [uc, authenticate](const Request& req, ResponseWriter& res, const RequestContext& ctx) {
        withPrincipal(authenticate, req, res, nullptr, [&](const Principal& caller) {
          auto password = requiredField(req, res, "password", /*allow_form=*/false,
                                        /*secret=*/true);
          if (!password) return;
          auto out = uc.start_totp.execute(caller.user_id, *password, clientOf(ctx));
          if (!out) return http::sendProblem(res, out.error());
          http::sendNoStoreJson(res, 200,
                                {{"secret", out->secret}, {"otpauth_uri", out->otpauth_uri}});
        });
      });
  routes.post("/v1/users/me/mfa/totp/confirm", [uc, authenticate](const Request& req,
                                                                  ResponseWriter& res,
                                                                  const RequestContext& ctx) {
    withPrincipal(authenticate, req, res, nullptr, [&](const Principal& caller) {
      auto code = requiredField(req, res, "code");
      if (!code) return;
      auto out = uc.confirm_totp.execute(caller.user_id, caller.session_id, *code, clientOf(ctx));
      if (!out) return http::sendProblem(res, out.error());
      sendRecoveryCodes(res, *out);
    });
  });
  routes.del(
      "/v1/users/me/mfa/totp", http::kHashing,
      [uc, authenticate](const Request& req, ResponseWriter& res, const RequestContext& ctx) {
        withPrincipal(authenticate, req, res, nullptr, [&](const Principal& caller) {
          auto body = http::jsonObjectBody(req);
          if (!body) return http::sendProblem(res, body.error());
          http::JsonFields f(*body);
          auto password = f.requiredSecret("password");
          auto code = f.requiredString("code");
          if (!f.errors().empty()) return http::sendProblem(res, validationError(f.errors()));
          http::answer(res,
                       uc.disable_totp.execute(caller.user_id, *password, *code, clientOf(ctx)),
                       [&] { http::sendNoContent(res); });
        });
      });
  routes.post(
      "/v1/users/me/mfa/recovery-codes",
      [uc, authenticate](const Request& req, ResponseWriter& res, const RequestContext& ctx) {
        withPrincipal(authenticate, req, res, nullptr, [&](const Principal& caller) {
          auto code = requiredField(req, res, "code");
          if (!code) return;
          auto out = uc.regenerate_recovery_codes.execute(caller.user_id, *code, clientOf(ctx));
          if (!out) return http::sendProblem(res, out.error());
          sendRecoveryCodes(res, *out);
        });
      });
  routes.post(
      "/v1/auth/login/mfa", http::kPerClientLimit,
      [uc, metrics, user_json](const Request& req, ResponseWriter& res, const RequestContext& ctx) {
        auto body = http::jsonObjectBody(req);
        if (!body) return http::sendProblem(res, body.error());
        http::JsonFields f(*body);
        auto token = f.requiredString("mfa_token");
        auto code = f.requiredString("code");
        if (!f.errors().empty()) return http::sendProblem(res, validationError(f.errors()));
        auto result = uc.complete_mfa_login.execute(*token, *code, clientOf(ctx));
        if (!result && result.error().code == ErrorCode::MfaCodeInvalid) {
          metrics->countLoginFailure();
        }
        if (!result && result.error().code == ErrorCode::RateLimited) {
          metrics->countLockoutRefusal();
        }
        answerGrant(res, result, 200, user_json);
      });
  routes.del("/v1/admin/users/:id/mfa", [uc, authenticate](const Request& req, ResponseWriter& res,
                                                           const RequestContext& ctx) {
    withPrincipal(authenticate, req, res, "admin", [&](const Principal&) {
      http::answer(res, uc.reset_mfa.execute(req.param(":id").as<std::string>(), clientOf(ctx)),
                   [&] { http::sendNoContent(res); });
    });
  });
}

}  // namespace authd::auth::presentation
