#pragma once

#include <string>

#include "features/auth/application/ports/access_token_issuer.hpp"
#include "features/auth/application/use_cases/account.hpp"
#include "features/auth/application/use_cases/account_lifecycle.hpp"
#include "features/auth/application/use_cases/authenticate.hpp"
#include "features/auth/application/use_cases/login_user.hpp"
#include "features/auth/application/use_cases/refresh_session.hpp"
#include "features/auth/application/use_cases/register_user.hpp"
#include "features/auth/application/use_cases/session_management.hpp"
#include "features/users/presentation/http/user_routes.hpp"
#include "shared/presentation/route_table.hpp"

namespace authd::auth::presentation {

struct AuthUseCases {
  application::RegisterUser& register_user;
  application::LoginUser& login_user;
  application::RefreshSession& refresh_session;
  application::Logout& logout;
  application::LogoutAll& logout_all;
  application::RevokeToken& revoke_token;
  application::RevokeSession& revoke_session;
  application::Introspect& introspect;
  application::ChangePassword& change_password;
  application::DeleteAccount& delete_account;
  application::ListEvents& list_events;
  application::RequestEmailVerification& request_verification;
  application::VerifyEmail& verify_email;
  application::RequestPasswordReset& request_reset;
  application::ConfirmPasswordReset& confirm_reset;
  application::AccessTokenIssuer& keys;
  Clock& clock;
  users::domain::SessionPolicy policy;
  std::string issuer;  // base URL for discovery
};

// Adapts the Authenticate use case to the users feature's Authenticator.
users::presentation::Authenticator authenticatorFor(application::Authenticate& authenticate);

// Every /v1/auth route, POST /v1/users/me/password, DELETE /v1/users/me, the JWKS and the
// OpenID discovery document: the four groups below. The use cases must outlive the router.
void addAuthRoutes(http::RouteTable& routes, const AuthUseCases& use_cases,
                   const users::presentation::Authenticator& authenticate);

// Register, login, refresh, logout, logout-all, revoke and introspect (token_routes.cpp).
void addTokenRoutes(http::RouteTable& routes, const AuthUseCases& use_cases,
                    const users::presentation::Authenticator& authenticate);
// The caller's sessions and security events (session_routes.cpp).
void addSessionRoutes(http::RouteTable& routes, const AuthUseCases& use_cases,
                      const users::presentation::Authenticator& authenticate);
// Password change, account deletion, verification and reset (account_routes.cpp).
void addAccountRoutes(http::RouteTable& routes, const AuthUseCases& use_cases,
                      const users::presentation::Authenticator& authenticate);
// The JWKS and discovery (key_routes.cpp).
void addKeyRoutes(http::RouteTable& routes, const AuthUseCases& use_cases);

}  // namespace authd::auth::presentation
