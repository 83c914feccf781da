#pragma once

#include <functional>
#include <optional>
#include <type_traits>
#include <utility>

#include "features/users/application/audit_trail.hpp"
#include "features/users/application/ports/user_repository.hpp"
#include "shared/core/result.hpp"
#include "shared/core/unit_of_work.hpp"

namespace authd::users::application {

enum class Write { Yes, No };

// Nothing to hand back: the value of a Change that only writes.
struct Done {};

// What one attempt at a user change decided: whether to write the user, the audit event that
// records it (written in the same transaction, right before the user), and a value for the
// caller.
template <typename T = Done>
struct Change {
  using Value = T;
  Write write = Write::Yes;
  std::optional<AuditEventType> event;
  T value{};
};

// An attempt that writes nothing (and records nothing).
template <typename T = Done>
Change<T> keep(T value = T{}) {
  return Change<T>{Write::No, std::nullopt, std::move(value)};
}

// An attempt that writes the user, recording `event` (when given) with it.
template <typename T = Done>
Change<T> write(std::optional<AuditEventType> event, T value = T{}) {
  return Change<T>{Write::Yes, event, std::move(value)};
}

template <typename T>
struct Modified {
  domain::User user;  // as written (or as read, when nothing was written)
  T value;
};

// Who an audit event names: the trail writes it, `client` is the request's address and agent.
struct AuditContext {
  AuditTrail& trail;
  ClientInfo client;
};

// The read-modify-write every user change goes through, on retryOnConflict: the first attempt
// finds the user with `first_read` (no lock); a lost version check retries, reading the user
// by id with a row lock. `mutate` changes the user and says what to write; it runs once per
// attempt, on a fresh copy. Errors: NotFound when no live user is found, whatever `mutate` or
// update() return, and Conflict after the last attempt. `mutate` returning an error, or
// Write::No, writes nothing.
template <typename Mutate>
auto modifyUser(UnitOfWork& uow, UserRepository& users, const AuditContext& audit,
                const std::function<std::optional<domain::User>()>& first_read, Mutate&& mutate,
                int attempts = kConflictAttempts)
    -> Result<Modified<typename std::invoke_result_t<Mutate&, domain::User&>::value_type::Value>> {
  using Value = typename std::invoke_result_t<Mutate&, domain::User&>::value_type::Value;
  std::optional<Uuid> id;
  return retryOnConflict(uow, attempts, [&](int attempt) -> Result<Modified<Value>> {
    auto user = attempt == 0 ? first_read() : users.findByIdForUpdate(*id);
    if (!user) return fail(ErrorCode::NotFound, "No such user.");
    id = user->id();
    auto change = mutate(*user);
    if (!change) return tl::unexpected(change.error());
    if (change->write == Write::Yes) {
      if (change->event) audit.trail.record(*change->event, user->id(), audit.client);
      auto written = users.update(*user);
      if (!written) return tl::unexpected(written.error());
    }
    return Modified<Value>{std::move(*user), std::move(change->value)};
  });
}

// The same, for a user known by id.
template <typename Mutate>
auto modifyUser(UnitOfWork& uow, UserRepository& users, const AuditContext& audit, const Uuid& id,
                Mutate&& mutate, int attempts = kConflictAttempts) {
  return modifyUser(
      uow, users, audit, [&users, &id] { return users.findById(id); }, std::forward<Mutate>(mutate),
      attempts);
}

}  // namespace authd::users::application
