#pragma once

#include <memory>

#include <odb/pgsql/database.hxx>

#include "features/users/application/ports/user_statements.hpp"

namespace authd::users::infrastructure {

// UserStatements on PostgreSQL: each call is one prepared statement on a connection of the
// process's ODB pool, outside any transaction (runStatement). Rows map through the same
// mapper as OdbUserRepository's, so both read and write one shape. Thread-safe.
class PgUserStatements final : public application::UserStatements {
 public:
  explicit PgUserStatements(std::shared_ptr<odb::pgsql::database> db) : db_(std::move(db)) {}

  std::optional<application::LiveSession> findSession(const Uuid& user_id,
                                                      const Uuid& session_id) override;
  std::optional<domain::Profile> findProfile(const Uuid& user_id) override;
  std::optional<domain::User> findUser(const Uuid& user_id) override;
  Status storeSessions(domain::User& user) override;

 private:
  std::shared_ptr<odb::pgsql::database> db_;
};

}  // namespace authd::users::infrastructure
