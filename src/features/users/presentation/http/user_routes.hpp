#pragma once

#include <functional>
#include <string_view>

#include "features/users/application/use_cases/admin_users.hpp"
#include "features/users/application/use_cases/update_profile.hpp"
#include "shared/presentation/route_table.hpp"

namespace authd::users::presentation {

// The caller of a Bearer-protected route, as the users feature needs to know it.
struct Caller {
  domain::User user;
  Uuid session_id;
};

// Resolves a bearer token to its caller (Unauthorized otherwise). Injected by the composition
// root, so this feature does not depend on how tokens are checked.
using Authenticator = std::function<Result<Caller>(std::string_view bearer_token)>;

// Runs `handler` for an authenticated caller (with role `role` when given, else 403), or
// answers 401/403 itself.
void withCaller(const Authenticator& authenticate, const Pistache::Rest::Request& request,
                Pistache::Http::ResponseWriter& response, const char* role,
                const std::function<void(const Caller&)>& handler);

struct UserUseCases {
  application::UpdateProfile& update_profile;
  application::ListUsers& list_users;
  application::GetUser& get_user;
  application::ChangeRole& change_role;
};

// GET/PATCH /v1/users/me and the /v1/admin/users routes.
void addUserRoutes(http::RouteTable& routes, UserUseCases use_cases, Authenticator authenticate);

}  // namespace authd::users::presentation
