#include "features/users/application/use_cases/admin_users.hpp"

#include "features/users/application/modify_user.hpp"
#include "features/users/application/pagination.hpp"

namespace authd::users::application {

Result<ListUsers::Output> ListUsers::execute(const Input& in) {
  std::vector<FieldError> errors;
  const PageRequest page = parsePageRequest(in.limit, in.cursor, errors);
  UserListQuery query;
  query.after = page.after;
  if (in.q && !in.q->empty()) {
    if (in.q->size() > 254)
      errors.push_back({"q", "too_long", "q must be at most 254 characters."});
    query.prefix = domain::normaliseIdentifier(*in.q);
  }
  if (!errors.empty()) return validationFailed(std::move(errors));

  query.limit = page.limit + 1;  // one more, to know whether another page follows
  Output out;
  {
    auto tx = uow_.begin();
    out.users = users_.list(query);
  }
  out.next_cursor = trimToPage(out.users, page.limit, [](const domain::User& u) {
    return PageKey{u.state().created_at, u.id()};
  });
  return out;
}

Result<domain::User> GetUser::execute(const std::string& id) {
  const auto uuid = Uuid::parse(id);
  if (!uuid) return fail(ErrorCode::NotFound, "No such user.");
  auto tx = uow_.begin();
  auto user = users_.findById(*uuid);
  if (!user) return fail(ErrorCode::NotFound, "No such user.");
  return std::move(*user);
}

Status ChangeRole::execute(const Input& in) {
  const auto uuid = Uuid::parse(in.user_id);
  if (!uuid) return fail(ErrorCode::NotFound, "No such user.");
  if (!domain::isValidRoleName(in.role)) return fail(ErrorCode::NotFound, "No such role.");
  auto changed = modifyUser(
      uow_, users_, {audit_, in.client}, *uuid, [&](domain::User& user) -> Result<Change<>> {
        const Timestamp now = clock_.now();
        if (!(in.grant ? user.grantRole(in.role, now) : user.revokeRole(in.role, now))) {
          return keep();
        }
        return write(in.grant ? AuditEventType::RoleGranted : AuditEventType::RoleRevoked);
      });
  if (!changed) return tl::unexpected(changed.error());
  return ok();
}

}  // namespace authd::users::application
