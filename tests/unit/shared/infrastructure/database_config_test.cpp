// toConninfo: the connection string authd opens PostgreSQL with; the instances' shared
// connection budget.

#include <gtest/gtest.h>

#include "shared/infrastructure/database.hpp"

namespace authd {
namespace {

TEST(DatabaseConfigTest, AddsTimeoutAndUtcToUrisAndKeywordStrings) {
  EXPECT_EQ(
      toConninfo({"postgresql://u@h:5/db", 4, 7}),
      "postgresql://u@h:5/db?connect_timeout=7&options=-c%20TimeZone%3DUTC&application_name=authd");
  EXPECT_EQ(toConninfo({"postgresql://u@h/db?sslmode=disable", 4, 7})
                .find("?sslmode=disable&connect_timeout=7"),
            std::string("postgresql://u@h/db").size());
  EXPECT_EQ(
      toConninfo({"host=/tmp dbname=x", 4, 3}),
      "host=/tmp dbname=x connect_timeout=3 options='-c TimeZone=UTC' application_name=authd");
}

TEST(DatabaseConfigTest, AnInstanceNamesItsPoolInItsConnections) {
  const std::string name = instanceApplicationName(12);
  EXPECT_EQ(name.rfind("authd.p12.", 0), 0u) << name;
  EXPECT_EQ(poolSizeOf(name), std::optional<std::size_t>(12));
  EXPECT_NE(instanceApplicationName(12), name);  // two instances never share a name
  EXPECT_NE(toConninfo({"postgresql://u@h/db", 12, 7, name}).find("&application_name=" + name),
            std::string::npos);
  EXPECT_EQ(poolSizeOf("authd"), std::nullopt);
  EXPECT_EQ(poolSizeOf("psql"), std::nullopt);
  EXPECT_EQ(poolSizeOf("authd.p.1"), std::nullopt);
  EXPECT_EQ(poolSizeOf("authd.p8.1 trailing"), std::nullopt);
  EXPECT_EQ(poolSizeOf("authd.p99999999.1"), std::nullopt);
}

TEST(DatabaseConfigTest, WarnsOnlyWhenThePoolsTogetherExceedWhatTheServerHas) {
  ConnectionBudget budget;
  budget.max_connections = 100;
  budget.reserved = 3;
  budget.other_clients = 7;
  budget.other_pools = {30, 30};
  EXPECT_EQ(connectionBudgetWarning(budget, 30), std::nullopt);  // 7 + 60 + 30 = 97
  const auto warning = connectionBudgetWarning(budget, 31);      // 98 > 97
  ASSERT_TRUE(warning.has_value());
  EXPECT_NE(warning->find("AUTH_DB_POOL_SIZE=31"), std::string::npos) << *warning;
  EXPECT_NE(warning->find("2 other authd instance(s)"), std::string::npos) << *warning;
  EXPECT_NE(warning->find("= 98"), std::string::npos) << *warning;
  EXPECT_NE(warning->find("= 97"), std::string::npos) << *warning;
  budget.other_pools.clear();
  EXPECT_EQ(connectionBudgetWarning(budget, 90), std::nullopt);
}

}  // namespace
}  // namespace authd
