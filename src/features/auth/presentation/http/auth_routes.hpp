#pragma once

#include <functional>

#include <nlohmann/json.hpp>

#include "features/auth/application/use_cases/account.hpp"
#include "features/auth/application/use_cases/account_lifecycle.hpp"
#include "features/auth/application/use_cases/admin_accounts.hpp"
#include "features/auth/application/use_cases/authenticate.hpp"
#include "features/auth/application/use_cases/login_user.hpp"
#include "features/auth/application/use_cases/mfa.hpp"
#include "features/auth/application/use_cases/refresh_session.hpp"
#include "features/auth/application/use_cases/register_user.hpp"
#include "features/auth/application/use_cases/session_management.hpp"
#include "shared/presentation/bearer.hpp"
#include "shared/presentation/route_table.hpp"

namespace authd::auth::presentation {

// The wire shape of a user (the users feature owns it), injected by the composition root so
// this feature uses users' domain but not its presentation.
using UserJson = std::function<nlohmann::json(const users::domain::Profile&)>;

// The Bearer glue: an Authenticator over the Authenticate use case, for every feature's routes.
http::Authenticator bearerAuthenticator(application::Authenticate& authenticate);

// Each group's use cases must outlive the router.
struct TokenUseCases {
  application::RegisterUser& register_user;
  application::LoginUser& login_user;
  application::RefreshSession& refresh_session;
  application::Logout& logout;
  application::LogoutAll& logout_all;
  application::RevokeToken& revoke_token;
  application::Introspect& introspect;
};
// Register, login, refresh, logout, logout-all, revoke and introspect (token_routes.cpp).
void addTokenRoutes(http::RouteTable& routes, const TokenUseCases& use_cases, UserJson user_json,
                    http::Authenticator authenticate);

struct SessionUseCases {
  application::ListSessions& list_sessions;
  application::RevokeSession& revoke_session;
  application::ListEvents& list_events;
  application::AdminAccounts& admin_accounts;
};
// The caller's sessions and security events, and an admin's view of another account's: its
// sessions, events and soft delete (session_routes.cpp).
void addSessionRoutes(http::RouteTable& routes, const SessionUseCases& use_cases,
                      http::Authenticator authenticate);

struct AccountUseCases {
  application::ChangePassword& change_password;
  application::DeleteAccount& delete_account;
  application::RequestEmailVerification& request_verification;
  application::VerifyEmail& verify_email;
  application::RequestPasswordReset& request_reset;
  application::ConfirmPasswordReset& confirm_reset;
  application::LiftLockout& lift_lockout;
  application::RequestEmailChange& request_email_change;
  application::ConfirmEmailChange& confirm_email_change;
};
// POST /v1/users/me/password, DELETE /v1/users/me, email verification, password reset, email
// change and the admin's DELETE /v1/admin/users/{id}/lockout (account_routes.cpp).
void addAccountRoutes(http::RouteTable& routes, const AccountUseCases& use_cases,
                      UserJson user_json, http::Authenticator authenticate);

struct MfaUseCases {
  application::StartTotpEnrolment& start_totp;
  application::ConfirmTotpEnrolment& confirm_totp;
  application::DisableTotp& disable_totp;
  application::RegenerateRecoveryCodes& regenerate_recovery_codes;
  application::CompleteMfaLogin& complete_mfa_login;
  application::ResetMfa& reset_mfa;
};
// TOTP enrolment, confirmation and disabling, recovery codes, the login's second step and the
// admin's MFA reset (mfa_routes.cpp).
void addMfaRoutes(http::RouteTable& routes, const MfaUseCases& use_cases, UserJson user_json,
                  http::Authenticator authenticate);

}  // namespace authd::auth::presentation
