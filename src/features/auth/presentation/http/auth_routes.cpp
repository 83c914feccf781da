#include "features/auth/presentation/http/auth_routes.hpp"

#include "features/users/presentation/http/user_json.hpp"
#include "shared/presentation/json_fields.hpp"

namespace authd::auth::presentation {
namespace {

using Pistache::Http::ResponseWriter;
using Pistache::Rest::Request;
using http::RequestContext;
using users::presentation::Caller;
using users::presentation::withCaller;

nlohmann::json grantJson(const application::TokenGrant& g) {
  return {
      {"token_type", "Bearer"},
      {"access_token", g.access_token},
      {"expires_in", g.expires_in.count()},
      {"refresh_token", g.refresh_token},
      {"refresh_expires_in", g.refresh_expires_in.count()},
      {"user", users::presentation::userJson(g.user)},
  };
}

void answerGrant(ResponseWriter& response, const Result<application::TokenGrant>& result, int status) {
  if (result) {
    http::sendNoStoreJson(response, status, grantJson(*result));
  } else {
    http::sendProblem(response, result.error());
  }
}

ClientInfo clientOf(const RequestContext& ctx) { return {ctx.user_agent, ctx.client_ip}; }

// Reads one required string field of a JSON body, answering 415/413/400/422 itself. A secret
// (a password) is taken as given; any other field must be clean text.
std::optional<std::string> requiredField(const Request& req, ResponseWriter& res, const char* name,
                                         bool allow_form = false, bool secret = false) {
  auto body = allow_form ? http::jsonOrFormBody(req) : http::jsonObjectBody(req);
  if (!body) {
    http::sendProblem(res, body.error());
    return std::nullopt;
  }
  http::JsonFields f(*body);
  auto value = secret ? f.requiredSecret(name) : f.requiredString(name);
  if (!value) http::sendProblem(res, validationError(f.errors()));
  return value;
}

nlohmann::json optionalString(const std::string& s) {
  return s.empty() ? nlohmann::json(nullptr) : nlohmann::json(s);
}

}  // namespace

users::presentation::Authenticator authenticatorFor(application::Authenticate& authenticate) {
  return [&authenticate](std::string_view token) -> Result<Caller> {
    auto principal = authenticate.execute(token);
    if (!principal) return tl::unexpected(principal.error());
    return Caller{std::move(principal->user), principal->session_id};
  };
}

void addAuthRoutes(http::RouteTable& routes, AuthUseCases uc,
                   users::presentation::Authenticator authenticate) {
  http::Metrics* metrics = &routes.state().metrics;

  routes.post("/v1/auth/register", http::kPerClientLimit | http::kHashing, [uc](const Request& req, ResponseWriter& res,
                                        const RequestContext& ctx) {
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
      // Report type and presence errors together with the format errors of the fields that
      // were well-typed, so the client sees every bad field at once.
      auto errors = f.errors();
      auto more = uc.register_user.validate(in, f.badFields());
      errors.insert(errors.end(), more.begin(), more.end());
      return http::sendProblem(res, validationError(std::move(errors)));
    }
    answerGrant(res, uc.register_user.execute(in), 201);
  });

  routes.post("/v1/auth/login", http::kPerClientLimit | http::kHashing, [uc, metrics](const Request& req, ResponseWriter& res,
                                              const RequestContext& ctx) {
    auto body = http::jsonObjectBody(req);
    if (!body) return http::sendProblem(res, body.error());
    http::JsonFields f(*body);
    application::LoginUser::Input in;
    in.email = f.optionalString("email");
    in.username = f.optionalString("username");
    const auto password = f.requiredSecret("password");
    if (f.errors().empty() && !in.email && !in.username) {
      return http::sendProblem(res,
                               validationError({{"email", "required", "Give an email or a username."}}));
    }
    if (!f.errors().empty()) return http::sendProblem(res, validationError(f.errors()));
    in.password = *password;
    in.client = clientOf(ctx);
    auto result = uc.login_user.execute(in);
    if (!result && result.error().code == ErrorCode::InvalidCredentials) metrics->countLoginFailure();
    answerGrant(res, result, 200);
  });

  routes.post("/v1/auth/refresh", http::kPerClientLimit, [uc, metrics](const Request& req, ResponseWriter& res,
                                                const RequestContext& ctx) {
    auto token = requiredField(req, res, "refresh_token");
    if (!token) return;
    auto result = uc.refresh_session.execute({*token, clientOf(ctx)});
    if (!result && result.error().code == ErrorCode::RefreshTokenReused) metrics->countRefreshReuse();
    answerGrant(res, result, 200);
  });

  routes.post("/v1/auth/logout", [uc](const Request& req, ResponseWriter& res,
                                      const RequestContext& ctx) {
    auto token = requiredField(req, res, "refresh_token");
    if (!token) return;
    http::answer(res, uc.logout.execute(*token, clientOf(ctx)), [&] { http::sendNoContent(res); });
  });

  routes.post("/v1/auth/logout-all", [uc, authenticate](const Request& req, ResponseWriter& res,
                                                        const RequestContext& ctx) {
    withCaller(authenticate, req, res, nullptr, [&](const Caller& caller) {
      http::answer(res, uc.logout_all.execute(caller.user.id(), clientOf(ctx)),
                   [&] { http::sendNoContent(res); });
    });
  });

  routes.post("/v1/auth/revoke", [uc](const Request& req, ResponseWriter& res,
                                      const RequestContext& ctx) {
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

  routes.post("/v1/auth/introspect", [uc](const Request& req, ResponseWriter& res,
                                          const RequestContext&) {
    auto token = requiredField(req, res, "token", /*allow_form=*/true);
    if (!token) return;
    const auto out = uc.introspect.execute(*token);
    if (!out.active) return http::sendNoStoreJson(res, 200, {{"active", false}});
    http::sendNoStoreJson(res, 200,
                          {{"active", true},
                           {"sub", out.claims.subject.toString()},
                           {"sid", out.claims.session.toString()},
                           {"exp", out.claims.expires_at},
                           {"iat", out.claims.issued_at},
                           {"iss", out.claims.issuer},
                           {"aud", out.claims.audience},
                           {"roles", out.claims.roles},
                           {"token_type", "access_token"}});
  });

  routes.get("/v1/auth/sessions", [uc, authenticate](const Request& req, ResponseWriter& res,
                                                     const RequestContext&) {
    withCaller(authenticate, req, res, nullptr, [&](const Caller& caller) {
      nlohmann::json sessions = nlohmann::json::array();
      for (const auto& v : application::listSessions(caller.user, caller.session_id, uc.clock.now(), uc.policy)) {
        sessions.push_back({{"id", v.session.id.toString()},
                            {"created_at", formatRfc3339(v.session.created_at)},
                            {"last_used_at", formatRfc3339(v.session.last_used_at)},
                            {"expires_at", formatRfc3339(v.session.expires_at)},
                            {"user_agent", optionalString(v.session.user_agent)},
                            {"ip", optionalString(v.session.ip)},
                            {"current", v.current}});
      }
      http::sendJson(res, 200, {{"sessions", std::move(sessions)}});
    });
  });

  routes.del("/v1/auth/sessions/:id", [uc, authenticate](const Request& req, ResponseWriter& res,
                                                         const RequestContext& ctx) {
    withCaller(authenticate, req, res, nullptr, [&](const Caller& caller) {
      http::answer(res,
                   uc.revoke_session.execute(caller.user.id(), req.param(":id").as<std::string>(),
                                             clientOf(ctx)),
                   [&] { http::sendNoContent(res); });
    });
  });

  routes.get("/v1/auth/events", [uc, authenticate](const Request& req, ResponseWriter& res,
                                                   const RequestContext&) {
    withCaller(authenticate, req, res, nullptr, [&](const Caller& caller) {
      auto query = http::queryParams(req, {"limit", "cursor"});
      if (!query) return http::sendProblem(res, query.error());
      auto result =
          uc.list_events.execute(caller.user.id(), (*query)["limit"], (*query)["cursor"]);
      if (!result) return http::sendProblem(res, result.error());
      nlohmann::json events = nlohmann::json::array();
      for (const auto& e : result->events) {
        events.push_back({{"id", e.id.toString()},
                          {"type", users::application::toString(e.type)},
                          {"at", formatRfc3339(e.at)},
                          {"ip", optionalString(e.ip)},
                          {"user_agent", optionalString(e.user_agent)}});
      }
      http::sendJson(res, 200,
                     {{"events", std::move(events)},
                      {"next_cursor", http::stringOrNull(result->next_cursor)}});
    });
  });

  routes.post("/v1/users/me/password", http::kHashing, [uc, authenticate](const Request& req, ResponseWriter& res,
                                                          const RequestContext& ctx) {
    withCaller(authenticate, req, res, nullptr, [&](const Caller& caller) {
      auto body = http::jsonObjectBody(req);
      if (!body) return http::sendProblem(res, body.error());
      http::JsonFields f(*body);
      auto current = f.requiredSecret("current_password");
      auto next = f.requiredSecret("new_password");
      if (!f.errors().empty()) return http::sendProblem(res, validationError(f.errors()));
      http::answer(res,
                   uc.change_password.execute(
                       {caller.user.id(), caller.session_id, *current, *next, clientOf(ctx)}),
                   [&] { http::sendNoContent(res); });
    });
  });

  routes.del("/v1/users/me", http::kHashing, [uc, authenticate](const Request& req, ResponseWriter& res,
                                                const RequestContext& ctx) {
    withCaller(authenticate, req, res, nullptr, [&](const Caller& caller) {
      auto password = requiredField(req, res, "password", /*allow_form=*/false, /*secret=*/true);
      if (!password) return;
      http::answer(res, uc.delete_account.execute(caller.user.id(), *password, clientOf(ctx)),
                   [&] { http::sendNoContent(res); });
    });
  });

  routes.post("/v1/auth/verify-email/request", [uc, authenticate](const Request& req, ResponseWriter& res,
                                                                 const RequestContext&) {
    withCaller(authenticate, req, res, nullptr, [&](const Caller& caller) {
      http::answer(res, uc.request_verification.execute(caller.user.id()),
                   [&] { res.send(Pistache::Http::Code::Accepted); });
    });
  });

  routes.post("/v1/auth/verify-email", [uc](const Request& req, ResponseWriter& res,
                                            const RequestContext& ctx) {
    auto token = requiredField(req, res, "token");
    if (!token) return;
    auto user = uc.verify_email.execute(*token, clientOf(ctx));
    if (!user) return http::sendProblem(res, user.error());
    http::sendJson(res, 200, users::presentation::userJson(*user));
  });

  routes.post("/v1/auth/password-reset/request", http::kPerClientLimit, [uc](const Request& req, ResponseWriter& res,
                                                      const RequestContext&) {
    auto email = requiredField(req, res, "email");
    if (!email) return;
    // 202 whatever the email: the answer must not tell whether an account has it.
    http::answer(res, uc.request_reset.execute(*email),
                 [&] { res.send(Pistache::Http::Code::Accepted); });
  });

  routes.post("/v1/auth/password-reset/confirm", http::kHashing, [uc](const Request& req, ResponseWriter& res,
                                                      const RequestContext& ctx) {
    auto body = http::jsonObjectBody(req);
    if (!body) return http::sendProblem(res, body.error());
    http::JsonFields f(*body);
    auto token = f.requiredString("token");
    auto password = f.requiredSecret("new_password");
    if (!f.errors().empty()) return http::sendProblem(res, validationError(f.errors()));
    http::answer(res, uc.confirm_reset.execute(*token, *password, clientOf(ctx)),
                 [&] { http::sendNoContent(res); });
  });

  routes.get("/.well-known/jwks.json", [uc](const Request&, ResponseWriter& res,
                                            const RequestContext&) {
    nlohmann::json keys = nlohmann::json::array();
    for (const auto& k : uc.keys.publicKeys()) {
      keys.push_back({{"kty", "OKP"}, {"crv", "Ed25519"}, {"x", k.x}, {"kid", k.kid},
                      {"alg", "EdDSA"}, {"use", "sig"}});
    }
    http::setHeader(res, "Cache-Control", "public, max-age=300");
    http::sendJson(res, 200, {{"keys", keys}});
  });

  routes.get("/.well-known/openid-configuration", [uc](const Request&, ResponseWriter& res,
                                                       const RequestContext&) {
    const std::string& base = uc.issuer;
    http::setHeader(res, "Cache-Control", "public, max-age=300");
    http::sendJson(res, 200,
                   {{"issuer", base},
                    {"jwks_uri", base + "/.well-known/jwks.json"},
                    {"token_endpoint", base + "/v1/auth/refresh"},
                    {"introspection_endpoint", base + "/v1/auth/introspect"},
                    {"revocation_endpoint", base + "/v1/auth/revoke"},
                    {"token_endpoint_auth_methods_supported", nlohmann::json::array({"none"})},
                    {"introspection_endpoint_auth_methods_supported", nlohmann::json::array({"none"})},
                    {"revocation_endpoint_auth_methods_supported", nlohmann::json::array({"none"})},
                    {"grant_types_supported", nlohmann::json::array({"password", "refresh_token"})},
                    // authd issues access tokens only: no ID tokens, no authorization endpoint.
                    {"response_types_supported", nlohmann::json::array()},
                    {"claims_supported", nlohmann::json::array({"iss", "sub", "aud", "iat", "nbf", "exp",
                                                                "jti", "sid", "roles", "email",
                                                                "email_verified", "username"})}});
  });
}

}  // namespace authd::auth::presentation
