#include "features/auth/application/use_cases/account.hpp"

#include "features/users/application/modify_user.hpp"
#include "features/users/application/pagination.hpp"

namespace authd::auth::application {

using users::application::AuditEventType;
using users::application::Change;
using users::application::modifyUser;
using users::application::write;

namespace {

// Verifies `password` against the stored hash of a live user, outside any transaction
// (Argon2id is slow). nullopt when the user is gone.
std::optional<bool> checkPassword(UnitOfWork& uow, users::application::UserRepository& users,
                                  PasswordHasher& hasher, const Uuid& user_id,
                                  const std::string& password) {
  std::optional<users::domain::User> user;
  {
    auto tx = uow.begin();
    user = users.findById(user_id);
  }
  if (!user) return std::nullopt;
  return hasher.verify(user->passwordHash(), password);
}

Status wrongPassword(UnitOfWork& uow, users::application::AuditTrail& audit, const Uuid& user_id,
                     const ClientInfo& client) {
  auto tx = uow.begin();
  audit.record(AuditEventType::LoginFailed, user_id, client);
  tx->commit();
  return fail(ErrorCode::InvalidCredentials, "The password is wrong.");
}

// The caller's own account vanished meanwhile: its token no longer names anyone.
template <typename T>
Status accountStatus(const Result<T>& changed) {
  if (changed) return ok();
  if (changed.error().code == ErrorCode::NotFound) {
    return fail(ErrorCode::Unauthorized, "The account no longer exists.");
  }
  return tl::unexpected(changed.error());
}

}  // namespace

Status ChangePassword::execute(const Input& in) {
  const auto matches = checkPassword(uow_, users_, hasher_, in.user_id, in.current_password);
  if (!matches) return fail(ErrorCode::Unauthorized, "The account no longer exists.");
  if (!*matches) return wrongPassword(uow_, audit_, in.user_id, in.client);

  std::string new_hash;
  auto changed = modifyUser(uow_, users_, {audit_, in.client}, in.user_id,
                            [&](users::domain::User& user) -> Result<Change<>> {
                              auto allowed = policy_.check(in.new_password, user.email(),
                                                           user.username(), "new_password");
                              if (!allowed) return tl::unexpected(allowed.error());
                              if (new_hash.empty())
                                new_hash = hasher_.hash(in.new_password);  // once, even on retries
                              const Timestamp now = clock_.now();
                              user.changePasswordHash(new_hash, now);
                              user.revokeAllSessions(now, in.session_id);
                              return write(AuditEventType::PasswordChanged);
                            });
  return accountStatus(changed);
}

Status DeleteAccount::execute(const Uuid& user_id, const std::string& password,
                              const ClientInfo& client) {
  const auto matches = checkPassword(uow_, users_, hasher_, user_id, password);
  if (!matches) return fail(ErrorCode::Unauthorized, "The account no longer exists.");
  if (!*matches) return wrongPassword(uow_, audit_, user_id, client);
  auto changed = modifyUser(uow_, users_, {audit_, client}, user_id,
                            [&](users::domain::User& user) -> Result<Change<>> {
                              user.markDeleted(clock_.now());
                              return write(AuditEventType::AccountDeleted);
                            });
  return accountStatus(changed);
}

Result<ListEvents::Output> ListEvents::execute(const Uuid& user_id,
                                               const std::optional<std::string>& limit,
                                               const std::optional<std::string>& cursor) {
  std::vector<FieldError> errors;
  const auto page = users::application::parsePageRequest(limit, cursor, errors);
  if (!errors.empty()) return validationFailed(std::move(errors));
  Output out;
  {
    auto tx = uow_.begin();
    out.events = log_.listForUser(user_id, page.after, page.limit + 1);
  }
  out.next_cursor = users::application::trimToPage(out.events, page.limit,
                                                   [](const users::application::AuditEvent& e) {
                                                     return users::application::PageKey{e.at, e.id};
                                                   });
  return out;
}

}  // namespace authd::auth::application
