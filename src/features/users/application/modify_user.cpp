#include "features/users/application/modify_user.hpp"

namespace authd::users::application {

Status modifyUser(UnitOfWork& uow, UserRepository& users, const Uuid& id,
                  const std::function<Result<Write>(domain::User&)>& mutate, domain::User* out,
                  int attempts) {
  for (int attempt = 0; attempt < attempts; ++attempt) {
    auto tx = uow.begin();
    auto user = attempt == 0 ? users.findById(id) : users.findByIdForUpdate(id);
    if (!user) return fail(ErrorCode::NotFound, "No such user.");
    auto decision = mutate(*user);
    if (!decision) return tl::unexpected(decision.error());
    if (*decision == Write::Yes) {
      auto written = users.update(*user);
      if (!written) {
        if (written.error().code == ErrorCode::Conflict) continue;
        return written;
      }
      tx->commit();
    }
    if (out != nullptr) *out = std::move(*user);
    return ok();
  }
  return fail(ErrorCode::Conflict, "The account changed concurrently; try again.");
}

}  // namespace authd::users::application
