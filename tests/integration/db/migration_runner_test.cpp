#include "shared/infrastructure/migration_runner.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "matchers.hpp"
#include "test_database.hpp"

namespace authd::testing {
namespace {

std::vector<Migration> twoMigrations() {
  return migrationsFrom({{"0001_a.sql", "CREATE TABLE a (x INT);"},
                         {"0002_b.sql", "CREATE TABLE b (y INT); INSERT INTO b VALUES (1);"}});
}

TEST(MigrationRunnerTest, BundledMigrationsApplyOnceAndAreThenCurrent) {
  TestDatabase database(/*migrate=*/false);
  MigrationRunner runner(database.db(), bundledMigrations());
  EXPECT_FALSE(runner.isCurrent());
  auto first = runner.apply();
  ASSERT_THAT(first, IsOk());
  EXPECT_EQ(first->size(), bundledMigrations().size());
  auto second = runner.apply();
  ASSERT_THAT(second, IsOk());
  EXPECT_TRUE(second->empty());
  EXPECT_TRUE(runner.isCurrent());
  EXPECT_EQ(database.exec("SELECT 1 FROM roles WHERE name IN ('user', 'admin')"), 2u);
}

TEST(MigrationRunnerTest, AppliesOnlyWhatIsPending) {
  TestDatabase database(false);
  auto all = twoMigrations();
  ASSERT_THAT(MigrationRunner(database.db(), {all[0]}).apply(), IsOk());
  auto applied = MigrationRunner(database.db(), all).apply();
  ASSERT_THAT(applied, IsOk());
  EXPECT_EQ(*applied, std::vector<int>{2});
  EXPECT_EQ(database.exec("SELECT 1 FROM b"), 1u);  // the seed row went in once
}

TEST(MigrationRunnerTest, RefusesAnEditedAppliedFileAndAppliesNothing) {
  TestDatabase database(false);
  auto all = twoMigrations();
  ASSERT_THAT(MigrationRunner(database.db(), {all[0]}).apply(), IsOk());
  all[0].sql = "CREATE TABLE a (x BIGINT);";
  MigrationRunner runner(database.db(), all);
  auto result = runner.apply();
  ASSERT_THAT(result, HasError(ErrorCode::Conflict));
  EXPECT_NE(result.error().detail.find("0001_a.sql"), std::string::npos);
  EXPECT_EQ(database.exec("SELECT 1 FROM pg_tables WHERE tablename = 'b'"), 0u);
  const auto status = runner.status();
  ASSERT_EQ(status.size(), 2u);
  EXPECT_EQ(status[0].state, MigrationRunner::State::Modified);
  EXPECT_EQ(status[1].state, MigrationRunner::State::Pending);
}

TEST(MigrationRunnerTest, FailingMigrationLeavesNoTrace) {
  TestDatabase database(false);
  auto bad = migrationsFrom(
      {{"0001_a.sql", "CREATE TABLE a (x INT);"}, {"0002_bad.sql", "CREATE TABLE oops (;"}});
  EXPECT_ANY_THROW((void)MigrationRunner(database.db(), bad).apply());
  EXPECT_EQ(database.exec("SELECT 1 FROM pg_tables WHERE tablename = 'a'"), 0u);
}

TEST(MigrationRunnerTest, RejectsBadlyNamedOrDuplicateFiles) {
  EXPECT_THROW(migrationsFrom({{"1_a.sql", ""}}), std::invalid_argument);
  EXPECT_THROW(migrationsFrom({{"0001_a.sql", ""}, {"0001_b.sql", ""}}), std::invalid_argument);
}

TEST(MigrationRunnerTest, ConcurrentRunnersApplyEachFileOnce) {
  TestDatabase database(false);
  std::vector<std::thread> threads;
  std::atomic<int> applied_total{0};
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&] {
      auto r = MigrationRunner(database.db(), bundledMigrations()).apply();
      if (r) applied_total += static_cast<int>(r->size());
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(applied_total.load(), static_cast<int>(bundledMigrations().size()));
  EXPECT_EQ(database.exec("SELECT 1 FROM schema_migrations"), bundledMigrations().size());
}

}  // namespace
}  // namespace authd::testing
