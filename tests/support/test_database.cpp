#include "test_database.hpp"

#include <gtest/gtest.h>
#include <libpq-fe.h>

#include <atomic>
#include <cstdlib>
#include <random>
#include <stdexcept>

#include <odb/connection.hxx>
#include <odb/pgsql/connection.hxx>

#include "shared/infrastructure/database.hpp"
#include "shared/infrastructure/migration_runner.hpp"

namespace authd::testing {
namespace {

std::string withDatabase(const std::string& url, const std::string& name) {
  const auto scheme = url.find("://");
  const auto slash = url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  const auto query = url.find('?');
  std::string base = slash == std::string::npos ? url.substr(0, query) : url.substr(0, slash);
  return base + "/" + name + (query == std::string::npos ? "" : url.substr(query));
}

void adminExec(const std::string& sql) {
  auto admin = openDatabase({TestDatabase::adminUrl(), 1, 10});
  odb::connection_ptr c(admin->connection());
  c->execute(sql);
}

}  // namespace

int pooledBackendPid(odb::pgsql::database& db) {
  odb::pgsql::connection_ptr c(db.connection());
  return PQbackendPID(c->handle());
}

std::string TestDatabase::adminUrl() {
  const char* url = std::getenv("AUTH_TEST_DATABASE_URL");
  if (url == nullptr || *url == '\0') {
    throw std::runtime_error(
        "AUTH_TEST_DATABASE_URL is not set: run the suite through scripts/test, which starts "
        "a throwaway PostgreSQL");
  }
  return url;
}

TestDatabase::TestDatabase(bool migrate) {
  static std::atomic<int> counter{0};
  std::random_device rd;
  name_ = "authd_test_" + std::to_string(rd() % 1000000) + "_" + std::to_string(counter++);
  adminExec("CREATE DATABASE " + name_);
  url_ = withDatabase(adminUrl(), name_);
  db_ = openDatabase({url_, 4, 10});
  if (migrate) {
    auto applied = MigrationRunner(db_, bundledMigrations()).apply();
    if (!applied) throw std::runtime_error("migrations failed: " + applied.error().detail);
  }
}

TestDatabase::~TestDatabase() {
  db_.reset();
  try {
    adminExec("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
  } catch (const std::exception& e) {
    ADD_FAILURE() << "could not drop " << name_ << ": " << e.what();
  }
}

unsigned long long TestDatabase::exec(const std::string& sql) const {
  odb::connection_ptr c(db_->connection());
  return c->execute(sql);
}

bool TestDatabase::endBackend(int pid) const {
  return exec("SELECT 1 WHERE pg_terminate_backend(" + std::to_string(pid) + ", 5000)") == 1;
}

}  // namespace authd::testing
