// The binary as an operator meets it before serving (issue 18): `authd config check`, which the
// packaged unit runs as ExecStartPre, `authd --version`, and each command's --help.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "authd_process.hpp"
#include "test_database.hpp"

namespace authd::testing {
namespace {

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(ConfigCheckTest, ReportsEveryBadOrMissingValueAtOnce) {
  TestDatabase database;
  std::string out;
  EXPECT_EQ(runAuthd({"config", "check"}, database.url(), &out,
                     {{"AUTH_ACCESS_TTL", "soon"},
                      {"AUTH_LOG_FORMAT", "xml"},
                      {"AUTH_TRUSTED_PROXIES", "10.0.0.0/33"},
                      {"AUTH_MASTER_KEY", "c2hvcnQ="}}),
            2)
      << out;
  for (const char* name :
       {"AUTH_ACCESS_TTL", "AUTH_LOG_FORMAT", "AUTH_TRUSTED_PROXIES", "AUTH_MASTER_KEY"}) {
    EXPECT_TRUE(has(out, std::string("error: ") + name)) << name << "\n" << out;
  }
  EXPECT_FALSE(has(out, "c2hvcnQ=")) << "a secret value was repeated";
  EXPECT_TRUE(has(out, "ok: the database answers")) << out;  // checked despite the rest
  EXPECT_TRUE(has(out, "config check: 4 problem(s)")) << out;
}

TEST(ConfigCheckTest, PassesForAGoodConfigurationOnACurrentDatabase) {
  TestDatabase database;  // migrated
  std::string out;
  EXPECT_EQ(runAuthd({"config", "check"}, database.url(), &out,
                     {{"AUTH_MASTER_KEY", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="}}),
            0)
      << out;
  EXPECT_TRUE(has(out, "config check: ready to serve")) << out;
  EXPECT_FALSE(has(out, "error:")) << out;
}

TEST(ConfigCheckTest, SaysWhenMigrationsArePendingOrTheDatabaseIsAway) {
  TestDatabase fresh(false);
  std::string out;
  EXPECT_EQ(runAuthd({"config", "check"}, fresh.url(), &out, {{"AUTH_DEV_MODE", "1"}}), 2) << out;
  EXPECT_TRUE(has(out, "pending: run `authd migrate` first")) << out;
  // serve would apply them itself.
  EXPECT_EQ(runAuthd({"config", "check"}, fresh.url(), &out,
                     {{"AUTH_DEV_MODE", "1"}, {"AUTH_MIGRATE_ON_START", "1"}}),
            0)
      << out;

  EXPECT_EQ(runAuthd({"config", "check"}, "postgresql://postgres@127.0.0.1:1/none", &out,
                     {{"AUTH_DEV_MODE", "1"}}),
            2)
      << out;
  EXPECT_TRUE(has(out, "error: the database is unreachable")) << out;
  EXPECT_EQ(runAuthd({"config", "check"}, "", &out, {{"AUTH_DEV_MODE", "1"}}), 2) << out;
  EXPECT_TRUE(has(out, "error: AUTH_DATABASE_URL is not set")) << out;
}

TEST(ConfigCheckTest, ServeLogsEveryBadVariableAndExitsWith2) {
  std::string out;
  EXPECT_EQ(runAuthd({"serve"}, "postgresql://postgres@127.0.0.1:1/none", &out,
                     {{"AUTH_ACCESS_TTL", "soon"}, {"AUTH_LOG_FORMAT", "xml"}}),
            2)
      << out;
  EXPECT_TRUE(has(out, "configuration: AUTH_ACCESS_TTL")) << out;
  EXPECT_TRUE(has(out, "configuration: AUTH_LOG_FORMAT")) << out;
}

TEST(CommandLineTest, VersionNamesTheReleaseAndTheCommit) {
  std::string out;
  ASSERT_EQ(runAuthd({"--version"}, "", &out), 0) << out;
  EXPECT_EQ(out.rfind("authd " AUTHD_PROJECT_VERSION " (git ", 0), 0u) << out;
  EXPECT_FALSE(has(out, "(git )")) << out;
}

TEST(CommandLineTest, EveryCommandHasAManPageStyleHelp) {
  const std::vector<std::vector<std::string>> commands = {{},
                                                          {"serve"},
                                                          {"migrate"},
                                                          {"migrate", "status"},
                                                          {"config"},
                                                          {"config", "check"},
                                                          {"grant-role"},
                                                          {"rotate-keys"},
                                                          {"revoke-key"},
                                                          {"rotate-secrets"},
                                                          {"rotate-master-key"}};
  for (auto args : commands) {
    args.push_back("--help");
    std::string out;
    EXPECT_EQ(runAuthd(args, "", &out), 0) << args.front();
    for (const char* section : {"Usage: authd", "ENVIRONMENT", "EXIT STATUS", "SEE ALSO"}) {
      EXPECT_TRUE(has(out, section)) << section << " missing from\n" << out;
    }
  }
}

}  // namespace
}  // namespace authd::testing
