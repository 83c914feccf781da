// The binary as an operator meets it before serving (issue 18): `authd config check`, which the
// packaged unit runs as ExecStartPre, `authd --version`, and each command's --help.
#include <gtest/gtest.h>

#include <map>
#include <regex>
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

// libpq quotes a malformed URL's parts in its errors: the password must not reach the output.
TEST(ConfigCheckTest, NeverPrintsTheDatabasePassword) {
  std::string out;
  EXPECT_EQ(runAuthd({"config", "check"}, "postgresql://authd:s3cr%zzet@127.0.0.1:1/none", &out,
                     {{"AUTH_DEV_MODE", "1"}}),
            2)
      << out;
  EXPECT_TRUE(has(out, "error: the database is unreachable")) << out;
  EXPECT_FALSE(has(out, "s3cr")) << out;
  EXPECT_EQ(runAuthd({"config", "check"}, "postgresql://authd:s3cret@127.0.0.1:1/none", &out,
                     {{"AUTH_DEV_MODE", "1"}}),
            2)
      << out;
  EXPECT_FALSE(has(out, "s3cret")) << out;
}

// AUTH_DATABASE_URL may be a libpq key=value string as well as a URL.
TEST(ConfigCheckTest, AcceptsAKeyValueConnectionString) {
  TestDatabase database;
  std::smatch m;
  const std::string url = database.url();
  ASSERT_TRUE(std::regex_match(url, m, std::regex(R"(postgresql://(\w+)@([\d.]+):(\d+)/(\w+))")))
      << url;
  const std::string conninfo = "host=" + m[2].str() + " port=" + m[3].str() +
                               " dbname=" + m[4].str() + " user=" + m[1].str();
  std::string out;
  EXPECT_EQ(runAuthd({"config", "check"}, conninfo, &out, {{"AUTH_DEV_MODE", "1"}}), 0) << out;
  EXPECT_TRUE(has(out, "ok: the database answers")) << out;
}

// The master key must open the signing keys the other instances made.
TEST(ConfigCheckTest, AMasterKeyThatDoesNotOpenTheSigningKeysIsAnError) {
  TestDatabase database;
  const std::map<std::string, std::string> first = {
      {"AUTH_MASTER_KEY", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="}};
  std::string out;
  ASSERT_EQ(runAuthd({"config", "check"}, database.url(), &out, first), 0) << out;  // makes a key
  EXPECT_TRUE(has(out, "ok: AUTH_MASTER_KEY opens the signing keys")) << out;
  EXPECT_EQ(runAuthd({"config", "check"}, database.url(), &out,
                     {{"AUTH_MASTER_KEY", "AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE="}}),
            2)
      << out;
  EXPECT_TRUE(has(out, "error: AUTH_MASTER_KEY does not open this database's signing keys")) << out;
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

TEST(CommandLineTest, AUsageErrorExitsWith2) {
  std::string out;
  EXPECT_EQ(runAuthd({"no-such-command"}, "", &out), 2) << out;
  EXPECT_EQ(runAuthd({"grant-role", "only-an-email"}, "", &out), 2) << out;
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
