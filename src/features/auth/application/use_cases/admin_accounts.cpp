#include "features/auth/application/use_cases/admin_accounts.hpp"

#include "features/users/application/modify_user.hpp"

namespace authd::auth::application {
namespace {

Error noSuchUser() { return Error{ErrorCode::NotFound, "No such user.", {}}; }

// The self-service use cases answer Unauthorized when their caller's account is gone; for an
// admin naming an account, that is a 404.
template <typename T>
Result<T> asAdmin(Result<T> result) {
  if (!result && result.error().code == ErrorCode::Unauthorized)
    return tl::unexpected(noSuchUser());
  return result;
}

}  // namespace

Result<Uuid> AdminAccounts::liveUser(const std::string& user_id) {
  const auto id = Uuid::parse(user_id);
  if (!id) return tl::unexpected(noSuchUser());
  auto tx = d_.uow.begin();
  if (!d_.users.findById(*id)) return tl::unexpected(noSuchUser());
  return *id;
}

Result<std::vector<SessionView>> AdminAccounts::sessions(const std::string& user_id) {
  auto id = liveUser(user_id);
  if (!id) return tl::unexpected(id.error());
  return asAdmin(list_sessions_.execute(*id, Uuid()));
}

Status AdminAccounts::revokeSessions(const std::string& user_id, const ClientInfo& client) {
  auto id = liveUser(user_id);
  if (!id) return tl::unexpected(id.error());
  return asAdmin(logout_all_.execute(*id, client));
}

Result<ListEvents::Output> AdminAccounts::events(const std::string& user_id,
                                                 const std::optional<std::string>& limit,
                                                 const std::optional<std::string>& cursor) {
  auto id = liveUser(user_id);
  if (!id) return tl::unexpected(id.error());
  return list_events_.execute(*id, limit, cursor);
}

Status AdminAccounts::remove(const std::string& user_id, const ClientInfo& client) {
  const auto id = Uuid::parse(user_id);
  if (!id) return tl::unexpected(noSuchUser());
  auto changed = users::application::modifyUser(
      d_.uow, d_.users, {d_.audit, client}, *id,
      [&](users::domain::User& user) -> Result<users::application::Change<>> {
        user.markDeleted(d_.clock.now());
        return users::application::write(users::application::AuditEventType::AccountDeleted);
      });
  if (!changed) return tl::unexpected(changed.error());  // NotFound: no such live user
  return ok();
}

}  // namespace authd::auth::application
