#pragma once

#include "features/users/application/use_cases/admin_users.hpp"
#include "features/users/application/use_cases/update_profile.hpp"
#include "shared/presentation/bearer.hpp"
#include "shared/presentation/route_table.hpp"

namespace authd::users::presentation {

struct UserUseCases {
  application::GetProfile& get_profile;
  application::UpdateProfile& update_profile;
  application::ListUsers& list_users;
  application::GetUser& get_user;
  application::ChangeRole& change_role;
};

// GET/PATCH /v1/users/me and the /v1/admin/users routes.
void addUserRoutes(http::RouteTable& routes, UserUseCases use_cases,
                   http::Authenticator authenticate);

}  // namespace authd::users::presentation
