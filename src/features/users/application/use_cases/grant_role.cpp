#include "features/users/application/use_cases/grant_role.hpp"

#include "features/users/application/modify_user.hpp"

namespace authd::users::application {

Result<GrantRole::Output> GrantRole::execute(const Input& input) {
  auto email = domain::Email::parse(input.email);
  if (!email) return tl::unexpected(email.error());
  if (!domain::isValidRoleName(input.role)) {
    return validationFailed({FieldError{"role", "invalid_format", "Role name is malformed."}});
  }
  // Found by email first; a retry re-reads by id with a row lock, like every user change.
  auto changed = modifyUser(
      uow_, users_, {audit_, ClientInfo{"authd-cli", ""}},
      [&] { return users_.findByEmail(email->value()); },
      [&](domain::User& user) -> Result<Change<bool>> {
        if (!user.grantRole(input.role, clock_.now())) return keep(false);
        return write(AuditEventType::RoleGranted, true);
      });
  if (!changed) {
    if (changed.error().code == ErrorCode::NotFound) {
      return fail(ErrorCode::NotFound, "No account has this email.");
    }
    return tl::unexpected(changed.error());
  }
  return Output{std::move(changed->user), changed->value};
}

}  // namespace authd::users::application
