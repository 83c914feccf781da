#pragma once

#include <memory>
#include <string>

#include <odb/pgsql/database.hxx>

namespace authd::testing {

// A fresh PostgreSQL database for one test, created on the server named by
// AUTH_TEST_DATABASE_URL (scripts/test starts a throwaway cluster and sets it) and dropped
// afterwards. Optionally migrated with the bundled migrations.
class TestDatabase {
 public:
  explicit TestDatabase(bool migrate = true);
  ~TestDatabase();
  TestDatabase(const TestDatabase&) = delete;
  TestDatabase& operator=(const TestDatabase&) = delete;

  const std::string& url() const { return url_; }
  std::shared_ptr<odb::pgsql::database> db() const { return db_; }
  // Runs one SQL statement outside any transaction; returns affected/returned rows.
  unsigned long long exec(const std::string& sql) const;
  // Ends backend `pid` as a restart or an operator would (pg_terminate_backend) and returns once
  // it is gone and its socket closed; true when it was ended.
  bool endBackend(int pid) const;

  // The admin URL, failing the test loudly when it is missing.
  static std::string adminUrl();

 private:
  std::string name_;
  std::string url_;
  std::shared_ptr<odb::pgsql::database> db_;
};

// The backend process id of one pooled connection of `db` (with a pool of one: the connection
// every call uses), for tests that kill it or check it was replaced.
int pooledBackendPid(odb::pgsql::database& db);

}  // namespace authd::testing
