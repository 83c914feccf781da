#include "features/auth/presentation/http/auth_routes.hpp"

#include "features/users/presentation/http/user_json.hpp"
#include "shared/presentation/json_fields.hpp"

namespace authd::auth::presentation {
namespace {

using Pistache::Http::ResponseWriter;
using Pistache::Rest::Request;
using http::RequestContext;

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

void answer(ResponseWriter& response, const Result<application::TokenGrant>& result, int status) {
  if (result) {
    http::sendNoStoreJson(response, status, grantJson(*result));
  } else {
    http::sendProblem(response, result.error());
  }
}

application::ClientInfo clientOf(const RequestContext& ctx) { return {ctx.user_agent, ctx.client_ip}; }

}  // namespace

void addAuthRoutes(Pistache::Rest::Router& router, AuthUseCases uc, http::HttpOptions options) {
  using Pistache::Rest::Routes::Get;
  using Pistache::Rest::Routes::Post;

  Post(router, "/v1/auth/register",
       http::guard(
           [uc](const Request& req, ResponseWriter& res, const RequestContext& ctx) {
             auto body = http::jsonObjectBody(req);
             if (!body) return http::sendProblem(res, body.error());
             http::JsonFields f(*body);
             application::RegisterUser::Input in;
             in.email = f.requiredString("email").value_or("");
             in.username = f.requiredString("username").value_or("");
             in.password = f.requiredString("password").value_or("");
             in.display_name = f.optionalString("display_name");
             in.client = clientOf(ctx);
             if (!f.errors().empty()) {
               // Report type and presence errors together with the format errors of the
               // fields that were well-typed, so the client sees every bad field at once.
               auto errors = f.errors();
               auto more = uc.register_user.validate(in, f.badFields());
               errors.insert(errors.end(), more.begin(), more.end());
               return http::sendProblem(res, validationError(std::move(errors)));
             }
             answer(res, uc.register_user.execute(in), 201);
           },
           options));

  Post(router, "/v1/auth/login",
       http::guard(
           [uc](const Request& req, ResponseWriter& res, const RequestContext& ctx) {
             auto body = http::jsonObjectBody(req);
             if (!body) return http::sendProblem(res, body.error());
             http::JsonFields f(*body);
             application::LoginUser::Input in;
             in.email = f.optionalString("email");
             in.username = f.optionalString("username");
             const auto password = f.requiredString("password");
             if (f.errors().empty() && !in.email && !in.username) {
               return http::sendProblem(
                   res, validationError({{"email", "required", "Give an email or a username."}}));
             }
             if (!f.errors().empty()) {
               return http::sendProblem(res, validationError(f.errors()));
             }
             in.password = *password;
             in.client = clientOf(ctx);
             answer(res, uc.login_user.execute(in), 200);
           },
           options));

  Post(router, "/v1/auth/refresh",
       http::guard(
           [uc](const Request& req, ResponseWriter& res, const RequestContext& ctx) {
             auto body = http::jsonObjectBody(req);
             if (!body) return http::sendProblem(res, body.error());
             http::JsonFields f(*body);
             auto token = f.requiredString("refresh_token");
             if (!token) return http::sendProblem(res, validationError(f.errors()));
             answer(res, uc.refresh_session.execute({*token, clientOf(ctx)}), 200);
           },
           options));

  Get(router, "/.well-known/jwks.json",
      http::guard(
          [uc](const Request&, ResponseWriter& res, const RequestContext&) {
            nlohmann::json keys = nlohmann::json::array();
            for (const auto& k : uc.keys.publicKeys()) {
              keys.push_back({{"kty", "OKP"}, {"crv", "Ed25519"}, {"x", k.x}, {"kid", k.kid},
                              {"alg", "EdDSA"}, {"use", "sig"}});
            }
            http::setHeader(res, "Cache-Control", "public, max-age=300");
            http::sendJson(res, 200, {{"keys", keys}});
          },
          options));
}

}  // namespace authd::auth::presentation
