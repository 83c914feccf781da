#pragma once

#include <memory>

#include <odb/pgsql/database.hxx>

#include "features/users/application/ports/user_repository.hpp"

namespace authd::users::infrastructure {

// UserRepository on PostgreSQL through ODB. Joins the calling thread's current transaction
// (OdbUnitOfWork); never begins or commits one. Thread-safe: it holds no per-call state.
class OdbUserRepository final : public application::UserRepository {
 public:
  explicit OdbUserRepository(std::shared_ptr<odb::pgsql::database> db) : db_(std::move(db)) {}

  std::optional<domain::User> findById(const Uuid& id) override;
  std::optional<domain::User> findByIdForUpdate(const Uuid& id) override;
  std::optional<domain::User> findByEmail(const std::string& email) override;
  std::optional<domain::User> findByUsername(const std::string& username) override;
  std::vector<domain::User> list(const application::UserListQuery& query) override;
  bool emailExists(const std::string& email) override;
  bool usernameExists(const std::string& username) override;
  Status add(domain::User& user) override;
  Status update(domain::User& user) override;

  // Live accounts per Argon2id setting of their stored hash, most common first, in its own
  // transaction (serve matches its dummy hash to them).
  std::vector<std::pair<std::string, std::size_t>> passwordHashSettings();
  // `authd rotate-secrets`: ends every session of every account, inside the caller's
  // transaction (each changed row's version moves on, so a racing write retries). Returns the
  // number of accounts that had one.
  std::size_t endAllSessions();

 private:
  std::shared_ptr<odb::pgsql::database> db_;
};

}  // namespace authd::users::infrastructure
