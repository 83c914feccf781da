// The connection budget an instance reads at start-up (issue 16): what the server allows and
// the pools other authd instances already claim, seen through pg_stat_activity.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include "shared/infrastructure/database.hpp"
#include "test_database.hpp"

namespace authd::testing {
namespace {

bool contains(const std::vector<std::size_t>& pools, std::size_t size) {
  return std::find(pools.begin(), pools.end(), size) != pools.end();
}

TEST(ConnectionBudgetTest, SeesTheOtherInstancesPoolsAndNotItsOwn) {
  TestDatabase database(false);
  // Pool sizes no other test uses: ctest runs other suites against the same server at once.
  const std::string other_name = instanceApplicationName(37);
  const std::string own_name = instanceApplicationName(41);
  auto other = openDatabase({database.url(), 37, 5, other_name});
  auto own = openDatabase({database.url(), 41, 5, own_name});
  odb::pgsql::connection_ptr held(other->connection());  // the other instance is connected

  const auto budget = readConnectionBudget(*own, own_name);
  EXPECT_EQ(database.exec("SELECT 1 FROM pg_settings WHERE name = 'max_connections' AND "
                          "setting::int = " +
                          std::to_string(budget.max_connections)),
            1u);
  EXPECT_EQ(database.exec("SELECT 1 FROM pg_settings WHERE name = "
                          "'superuser_reserved_connections' AND setting::int = " +
                          std::to_string(budget.reserved)),
            1u);
  EXPECT_TRUE(contains(budget.other_pools, 37));
  EXPECT_FALSE(contains(budget.other_pools, 41));  // its own connection is not another's

  held.reset();
  other.reset();  // the other instance stops: its connections close
  for (int i = 0; i < 100 && contains(readConnectionBudget(*own, own_name).other_pools, 37); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_FALSE(contains(readConnectionBudget(*own, own_name).other_pools, 37));
}

// authd connects as an ordinary role, which sees other roles' sessions without their
// backend_type: they must still count against the budget.
TEST(ConnectionBudgetTest, AnUnprivilegedRoleStillCountsOtherRolesConnections) {
  TestDatabase database(false);
  const std::string role = "budget_probe_" + std::to_string(getpid());
  database.exec("CREATE ROLE " + role + " LOGIN");
  std::string url = database.url();
  const auto at = url.find("//postgres@");
  ASSERT_NE(at, std::string::npos) << url;
  url.replace(at, 11, "//" + role + "@");
  {
    auto superuser = openDatabase({database.url(), 1, 5, "not-authd"});
    odb::pgsql::connection_ptr held(superuser->connection());  // another role's client
    const std::string own_name = instanceApplicationName(43);
    auto own = openDatabase({url, 43, 5, own_name});
    const auto budget = readConnectionBudget(*own, own_name);
    EXPECT_GE(budget.other_clients, 1);
    EXPECT_FALSE(contains(budget.other_pools, 43));
  }
  database.exec("DROP ROLE " + role);
}

}  // namespace
}  // namespace authd::testing
