// Several instances on one database (issue 16; contract, "Running several instances"): three
// real `authd serve` processes share one throwaway PostgreSQL and one SMTP sink. Whatever one
// instance does, the others see at once: rotations, revocations, keys, lockout counts, and
// the mail outbox, from which each mail goes out exactly once.
#include <gtest/gtest.h>

#include <array>
#include <chrono>
#include <memory>
#include <set>
#include <thread>

#include "api_client.hpp"
#include "authd_process.hpp"
#include "shared/infrastructure/migration_runner.hpp"
#include "smtp_sink.hpp"
#include "test_database.hpp"

namespace authd::testing {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

class CrossInstanceTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    database_ = new TestDatabase(false);  // the three instances migrate it as they start
    sink_ = new SmtpSink();
    const std::map<std::string, std::string> env = {
        {"AUTH_SMTP_URL", sink_->url()},
        {"AUTH_MAIL_POLL_MS", "20"},
        {"AUTH_MAIL_RETRY_BASE_MS", "100"},
        {"AUTH_KEY_RELOAD_INTERVAL", "1"},
        // Any replay of a rotated token is a reuse: the test needs no grace-window timing.
        {"AUTH_REFRESH_REUSE_GRACE", "0"},
    };
    for (auto*& server : servers_) server = new AuthdProcess(database_->url(), env);
  }
  static void TearDownTestSuite() {
    for (auto*& server : servers_) {
      delete server;
      server = nullptr;
    }
    delete sink_;
    delete database_;
  }
  void TearDown() override {
    if (!HasFailure()) return;
    for (auto* server : servers_) std::cerr << "authd log:\n" << server->log();
  }

  static std::set<std::string> jwksKids(ApiClient& api) {
    std::set<std::string> kids;
    const json jwks = api.send("GET", "/.well-known/jwks.json").json();
    for (const auto& k : jwks.at("keys")) kids.insert(k.at("kid").get<std::string>());
    return kids;
  }
  static long me(ApiClient& api, const json& tokens) {
    return api.send("GET", "/v1/users/me", nullptr, ApiClient::bearer(tokens)).status;
  }

  ApiClient a_{servers_[0]->baseUrl()}, b_{servers_[1]->baseUrl()}, c_{servers_[2]->baseUrl()};
  inline static TestDatabase* database_ = nullptr;
  inline static SmtpSink* sink_ = nullptr;
  inline static std::array<AuthdProcess*, 3> servers_{};
};

TEST_F(CrossInstanceTest, LogInOnARefreshOnBReplayTheOldTokenOnC) {
  a_.signUp("xi_rotate");
  const json login = a_.logIn("xi_rotate");
  const json old_token = {{"refresh_token", login.at("refresh_token")}};
  const auto rotated = b_.send("POST", "/v1/auth/refresh", &old_token);
  expectGrant(rotated, 200);
  const json new_token = {{"refresh_token", rotated.json().at("refresh_token")}};

  expectProblem(c_.send("POST", "/v1/auth/refresh", &old_token), 401, "refresh_token_reused");
  // The reuse C detected revoked the whole session, on every instance.
  expectProblem(a_.send("POST", "/v1/auth/refresh", &new_token), 401, "refresh_token_invalid");
  EXPECT_EQ(me(b_, rotated.json()), 401);
}

TEST_F(CrossInstanceTest, ARevocationOnAIsSeenOnBAndCAtOnce) {
  const json tokens = a_.signUp("xi_revoke");
  ASSERT_EQ(me(b_, tokens), 200);
  ASSERT_EQ(me(c_, tokens), 200);
  const json logout = {{"refresh_token", tokens.at("refresh_token")}};
  ASSERT_EQ(a_.send("POST", "/v1/auth/logout", &logout).status, 204);
  // No cache anywhere may still accept the session: the very next request is refused.
  EXPECT_EQ(me(b_, tokens), 401);
  EXPECT_EQ(me(c_, tokens), 401);
  const json introspect = {{"token", tokens.at("access_token")}};
  const auto r = c_.send("POST", "/v1/auth/introspect", &introspect);
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.json(), json({{"active", false}}));
}

TEST_F(CrossInstanceTest, RotateKeysIsSeenByEveryInstancesJwks) {
  const auto before = jwksKids(a_);
  ASSERT_EQ(jwksKids(b_), before);
  ASSERT_EQ(jwksKids(c_), before);
  std::string out;
  ASSERT_EQ(runAuthd({"rotate-keys"}, database_->url(), &out, {{"AUTH_DEV_MODE", "1"}}), 0) << out;
  // Every instance reloads its keys each second here (AUTH_KEY_RELOAD_INTERVAL).
  std::array<std::set<std::string>, 3> seen;
  for (int i = 0; i < 100; ++i) {
    seen = {jwksKids(a_), jwksKids(b_), jwksKids(c_)};
    if (seen[0].size() > before.size() && seen[0] == seen[1] && seen[1] == seen[2]) break;
    std::this_thread::sleep_for(100ms);
  }
  EXPECT_EQ(seen[0].size(), before.size() + 1) << out;
  EXPECT_EQ(seen[1], seen[0]);
  EXPECT_EQ(seen[2], seen[0]);
  for (const auto& kid : before) EXPECT_EQ(seen[0].count(kid), 1u) << "a key left too soon";
}

TEST_F(CrossInstanceTest, TheLockoutIsCountedAcrossInstances) {
  a_.signUp("xi_lock");
  const json wrong = {{"username", "xi_lock"}, {"password", "not the password"}};
  std::array<ApiClient*, 3> round = {&a_, &b_, &c_};
  for (int i = 0; i < 5; ++i) {
    expectProblem(round[i % 3]->send("POST", "/v1/auth/login", &wrong), 401, "invalid_credentials");
  }
  // Five failures spread over three instances lock the account on all of them.
  const json right = {{"username", "xi_lock"}, {"password", ApiClient::kPassword}};
  for (auto* api : round)
    expectProblem(api->send("POST", "/v1/auth/login", &right), 429, "rate_limited");
}

TEST_F(CrossInstanceTest, QueuedMailsAreSentExactlyOnceByThreeWorkers) {
  std::array<ApiClient*, 3> round = {&a_, &b_, &c_};
  constexpr int kUsers = 12;
  for (int i = 0; i < kUsers; ++i) {
    const std::string name = "xi_mail" + std::to_string(i);
    const json tokens = round[i % 3]->signUp(name);
    ASSERT_EQ(
        round[(i + 1) % 3]
            ->send("POST", "/v1/auth/verify-email/request", nullptr, ApiClient::bearer(tokens))
            .status,
        202);
  }
  for (int i = 0; i < kUsers; ++i) {
    const std::string to = "xi_mail" + std::to_string(i) + "@example.com";
    EXPECT_FALSE(sink_->waitFor(to).empty()) << to;
  }
  // Three workers poll every 20 ms: a mail sent twice would show within a few rounds.
  std::this_thread::sleep_for(1s);
  for (int i = 0; i < kUsers; ++i) {
    const std::string to = "xi_mail" + std::to_string(i) + "@example.com";
    EXPECT_EQ(sink_->countTo(to), 1u) << to;
  }
  EXPECT_EQ(database_->exec("SELECT 1 FROM mail_outbox WHERE sent_at IS NULL"), 0u);
}

// Rolling upgrades: this binary is the older one on a database a newer release migrated.
TEST(RollingUpgradeTest, AnOlderBinaryStaysReadyOnlyWhileNewerMigrationsAreCompatible) {
  TestDatabase database;  // every bundled migration applied
  const int newest = bundledMigrations().back().version;
  database.exec(
      "INSERT INTO schema_migrations (version, name, checksum, compatible_with) VALUES (9001, "
      "'9001_newer_release.sql', 'x', " +
      std::to_string(newest) + ")");
  AuthdProcess older(database.url());  // AUTH_MIGRATE_ON_START=1: it must not refuse to start
  ApiClient api(older.baseUrl());
  EXPECT_EQ(api.send("GET", "/readyz").status, 200) << older.log();
  api.signUp("rolling");  // and it serves

  // A contract step (not marked compatible) makes it unready, so the proxy stops sending it
  // traffic until it is replaced.
  database.exec("UPDATE schema_migrations SET compatible_with = NULL WHERE version = 9001");
  EXPECT_EQ(api.send("GET", "/readyz").status, 503);
  std::string out;
  EXPECT_EQ(runAuthd({"migrate", "status"}, database.url(), &out, {{"AUTH_DEV_MODE", "1"}}), 3);
  EXPECT_NE(out.find("9001"), std::string::npos) << out;
}

}  // namespace
}  // namespace authd::testing
