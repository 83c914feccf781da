#include "shared/infrastructure/migration_runner.hpp"

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <cstdio>
#include <sstream>
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

// Rolling upgrades (issue 16): a newer release applied a migration this binary lacks.
std::vector<Migration> bundledPlus(const std::string& name, const std::string& sql) {
  auto files = std::vector<EmbeddedFile>{};
  for (const auto& m : bundledMigrations()) files.push_back({m.name, m.sql});
  files.push_back({name, sql});
  return migrationsFrom(files);
}

std::string newestBundled() {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04d", bundledMigrations().back().version);
  return buf;
}

TEST(MigrationRunnerTest, AnOlderBinaryStaysCurrentOnANewerCompatibleMigration) {
  TestDatabase database(false);
  const auto newer =
      bundledPlus("9001_expand.sql", "-- An expand step.\n-- compatible-with: " + newestBundled() +
                                         "\nCREATE TABLE expand_only (x INT);");
  ASSERT_EQ(newer.back().compatible_with, bundledMigrations().back().version);
  ASSERT_THAT(MigrationRunner(database.db(), newer).apply(), IsOk());
  EXPECT_EQ(database.exec("SELECT 1 FROM schema_migrations WHERE version = 9001 AND "
                          "compatible_with = " +
                          std::to_string(bundledMigrations().back().version)),
            1u);

  MigrationRunner older(database.db(), bundledMigrations());
  EXPECT_TRUE(older.isCurrent());
  const auto status = older.status();
  ASSERT_EQ(status.back().version, 9001);
  EXPECT_EQ(status.back().state, MigrationRunner::State::Compatible);
  auto applied = older.apply();  // AUTH_MIGRATE_ON_START=1 on the older instance
  ASSERT_THAT(applied, IsOk());
  EXPECT_TRUE(applied->empty());
}

TEST(MigrationRunnerTest, AnOlderBinaryIsNotCurrentOnANewerUnmarkedOrTooNewMigration) {
  for (const std::string& marker : {std::string(""), std::string("-- compatible-with: 9000\n")}) {
    TestDatabase database(false);
    const auto newer = bundledPlus("9001_contract.sql", marker + "CREATE TABLE c (x INT);");
    ASSERT_THAT(MigrationRunner(database.db(), newer).apply(), IsOk());
    MigrationRunner older(database.db(), bundledMigrations());
    EXPECT_FALSE(older.isCurrent()) << marker;
    EXPECT_EQ(older.status().back().state, MigrationRunner::State::Unknown) << marker;
    auto applied = older.apply();
    ASSERT_THAT(applied, HasError(ErrorCode::Conflict));
    EXPECT_NE(applied.error().detail.find("9001_contract.sql"), std::string::npos);
  }
}

TEST(MigrationRunnerTest, CompatibleWithMustNameAnOlderVersion) {
  EXPECT_EQ(migrationsFrom({{"0002_a.sql", "-- x\n-- compatible-with: 0001\nSELECT 1;"}})[0]
                .compatible_with,
            1);
  // Only the leading comments count: a marker after the first statement is not one.
  EXPECT_EQ(
      migrationsFrom({{"0002_a.sql", "SELECT 1;\n-- compatible-with: 0001\n"}})[0].compatible_with,
      0);
  EXPECT_THROW(migrationsFrom({{"0002_a.sql", "-- compatible-with: 0002\n"}}),
               std::invalid_argument);
  EXPECT_THROW(migrationsFrom({{"0002_a.sql", "-- compatible-with: 0000\n"}}),
               std::invalid_argument);
  EXPECT_THROW(migrationsFrom({{"0002_a.sql", "-- compatible-with: 1\n"}}), std::invalid_argument);
  EXPECT_THROW(migrationsFrom({{"0002_a.sql", "-- compatible-with: 00x1\n"}}),
               std::invalid_argument);
}

// Issue 12, finding 8: rows stored before emails were folded get one spelling; where two fold
// to one address the older account keeps it and the log names both.
TEST(MigrationRunnerTest, EmailNormalisationKeepsOneAccountPerAddressAndLogsTheCollision) {
  TestDatabase database(false);
  std::vector<Migration> before;
  for (const auto& m : bundledMigrations()) {
    if (m.version < 11) before.push_back(m);
  }
  ASSERT_THAT(MigrationRunner(database.db(), before).apply(), IsOk());
  const auto insert = [&](const std::string& id, const std::string& email,
                          const std::string& username, const std::string& created) {
    database.exec(
        "INSERT INTO users (id, email, username, password_hash, created_at, "
        "updated_at, version, email_verified) VALUES ('" +
        id + "', '" + email + "', '" + username + "', 'h', '" + created + "', '" + created +
        "', 1, TRUE)");
  };
  const std::string older = "00000000-0000-7000-8000-000000000001";
  const std::string newer = "00000000-0000-7000-8000-000000000002";
  const std::string other = "00000000-0000-7000-8000-000000000003";
  insert(older, "e\xCC\x81mile@example.org", "emile", "2026-01-01T00:00:00Z");  // NFD
  insert(newer, "\xC3\xA9mile@example.org", "emile2", "2026-02-01T00:00:00Z");  // NFC
  insert(other, "o\xCC\x88la@example.org", "ola", "2026-03-01T00:00:00Z");      // NFD, alone
  // A deleted account does not keep an address from a live one, however old it is.
  const std::string deleted = "00000000-0000-7000-8000-000000000004";
  const std::string live = "00000000-0000-7000-8000-000000000005";
  insert(deleted, "zoe\xCC\x88@example.org", "zoe", "2025-01-01T00:00:00Z");
  database.exec("UPDATE users SET deleted_at = now() WHERE id = '" + deleted + "'");
  insert(live, "zo\xC3\xAB@example.org", "zoe2", "2026-04-01T00:00:00Z");

  std::ostringstream captured;
  auto previous = spdlog::default_logger();
  spdlog::set_default_logger(std::make_shared<spdlog::logger>(
      "capture", std::make_shared<spdlog::sinks::ostream_sink_mt>(captured)));
  auto applied = MigrationRunner(database.db(), bundledMigrations()).apply();
  spdlog::set_default_logger(previous);
  ASSERT_THAT(applied, IsOk());

  EXPECT_EQ(database.exec("SELECT 1 FROM users WHERE id = '" + older +
                          "' AND email = '\xC3\xA9mile@example.org' AND email_verified"),
            1u);
  EXPECT_EQ(database.exec("SELECT 1 FROM users WHERE id = '" + newer + "' AND email = '" + newer +
                          "@email-collision.invalid' AND NOT email_verified"),
            1u);
  EXPECT_EQ(database.exec("SELECT 1 FROM users WHERE id = '" + other +
                          "' AND email = '\xC3\xB6la@example.org'"),
            1u);
  EXPECT_EQ(database.exec("SELECT 1 FROM users WHERE id = '" + live +
                          "' AND email = 'zo\xC3\xAB@example.org'"),
            1u);
  EXPECT_EQ(database.exec("SELECT 1 FROM users WHERE id = '" + deleted + "' AND email = '" +
                          deleted + "@email-collision.invalid'"),
            1u);
  const std::string log = captured.str();
  EXPECT_NE(log.find("0011_normalise_emails.sql"), std::string::npos) << log;
  EXPECT_NE(log.find(newer), std::string::npos) << log;
  EXPECT_NE(log.find(older), std::string::npos) << log;
  // The database now refuses what authd would never write.
  EXPECT_ANY_THROW(
      database.exec("INSERT INTO users (id, email, username, password_hash, "
                    "created_at, updated_at, version) VALUES (gen_random_uuid(), "
                    "'a\xCC\x88@example.org', 'nfd', 'h', now(), now(), 1)"));
  EXPECT_ANY_THROW(
      database.exec("INSERT INTO users (id, email, username, password_hash, "
                    "created_at, updated_at, version) VALUES (gen_random_uuid(), "
                    "'Upper@example.org', 'upper', 'h', now(), now(), 1)"));
}

}  // namespace
}  // namespace authd::testing
