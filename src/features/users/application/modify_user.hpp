#pragma once

#include <functional>

#include "features/users/application/ports/user_repository.hpp"
#include "shared/core/result.hpp"
#include "shared/core/unit_of_work.hpp"

namespace authd::users::application {

enum class Write { Yes, No };

// The read-modify-write loop every user change shares: in one transaction, load the live
// user, let `mutate` change it (and record what it must in the same transaction), write it
// with the version check and commit. A lost version race is retried on a fresh copy read
// with a row lock (so the retry cannot lose again), up to `attempts` times. `mutate` returning an error, or Write::No, writes nothing.
// Errors: NotFound (no live user with this id), whatever `mutate` or update() return, and
// Conflict after the last attempt. On success *out (when given) is the user as written.
Status modifyUser(UnitOfWork& uow, UserRepository& users, const Uuid& id,
                  const std::function<Result<Write>(domain::User&)>& mutate,
                  domain::User* out = nullptr, int attempts = 3);

}  // namespace authd::users::application
