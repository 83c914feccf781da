#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "features/users/application/pagination.hpp"
#include "features/users/domain/user.hpp"
#include "shared/core/result.hpp"
#include "shared/core/uuid.hpp"

namespace authd::users::application {

// A page of live users, newest first, keyset-paginated on (created_at, id).
struct UserListQuery {
  std::size_t limit = 20;
  std::optional<std::string> prefix;  // lowercase prefix of email or username
  std::optional<PageKey> after;       // strictly older than this (created_at, id)
};

// Port: stored users. Every call runs inside the caller's current transaction (UnitOfWork);
// implementations never begin or commit one. Reads skip soft-deleted users unless the name
// says otherwise. Infrastructure faults throw (UnavailableError when the database is gone).
class UserRepository {
 public:
  virtual ~UserRepository() = default;

  virtual std::optional<domain::User> findById(const Uuid& id) = 0;
  // Like findById, but also locks the row until the transaction ends (SELECT ... FOR UPDATE).
  // Used on the retry after a lost version race, so the retry cannot lose again: optimistic
  // first, pessimistic when contended.
  virtual std::optional<domain::User> findByIdForUpdate(const Uuid& id) = 0;
  // `email` and `username` must already be normalised (domain::Email / domain::Username).
  virtual std::optional<domain::User> findByEmail(const std::string& email) = 0;
  virtual std::optional<domain::User> findByUsername(const std::string& username) = 0;

  // Including soft-deleted accounts: their email and username stay reserved.
  virtual bool emailExists(const std::string& email) = 0;
  virtual bool usernameExists(const std::string& username) = 0;

  // Live users matching `query`, newest first, at most query.limit.
  virtual std::vector<domain::User> list(const UserListQuery& query) = 0;

  // Inserts a new user and sets its version. Conflict when its email or username was taken
  // concurrently (the transaction is then unusable: roll back and retry).
  virtual Status add(domain::User& user) = 0;

  // Writes every field if the stored version still equals user.version(), then bumps it.
  // Conflict on a stale version (roll back, reload, re-apply, retry); NotFound when a role
  // does not exist.
  virtual Status update(domain::User& user) = 0;
};

}  // namespace authd::users::application
