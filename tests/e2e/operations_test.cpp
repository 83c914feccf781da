// Operational behaviour of the real binary: logs, shutdown.
#include <gtest/gtest.h>

#include <csignal>
#include <sstream>
#include <thread>

#include "authd_process.hpp"
#include "http_client.hpp"
#include "test_database.hpp"

namespace authd::testing {
namespace {

using nlohmann::json;

TEST(OperationsTest, JsonLogsAreOneObjectPerLineWithAnAccessLineAndNoSecrets) {
  TestDatabase database(false);
  AuthdProcess server(database.url(), {{"AUTH_LOG_FORMAT", "json"}});
  HttpClient http(server.baseUrl());
  const std::string password = "very secret password 123";
  auto reg =
      http.postJson("/v1/auth/register",
                    {{"email", "log@example.com"}, {"username", "logger"}, {"password", password}});
  ASSERT_EQ(reg.status, 201);
  const auto refresh = reg.json().at("refresh_token").get<std::string>();
  const auto access = reg.json().at("access_token").get<std::string>();
  http.postJson("/v1/auth/refresh", {{"refresh_token", refresh}});
  http.postJson("/v1/auth/login",
                {{"email", "log@example.com"}, {"password", "wrong " + password}});
  http.get("/v1/users/me", {{"Authorization", "Bearer " + access}, {"X-Request-Id", "trace-42"}});
  ASSERT_EQ(server.stop(), 0);

  const std::string log = server.log();
  EXPECT_EQ(log.find(password), std::string::npos);
  EXPECT_EQ(log.find(refresh), std::string::npos);
  EXPECT_EQ(log.find(access.substr(access.rfind('.') + 1)), std::string::npos);
  EXPECT_EQ(log.find("$argon2id$"), std::string::npos);
  std::istringstream lines(log);
  std::string line;
  bool saw_access = false;
  int count = 0;
  while (std::getline(lines, line)) {
    if (line.empty()) continue;
    ++count;
    json j = json::parse(line, nullptr, false);
    ASSERT_FALSE(j.is_discarded()) << "not JSON: " << line;
    if (j.value("request_id", "") == "trace-42") {
      saw_access = true;
      EXPECT_EQ(j.at("method"), "GET");
      EXPECT_EQ(j.at("route"), "/v1/users/me");
      EXPECT_EQ(j.at("status"), 200);
      EXPECT_TRUE(j.at("duration_ms").is_number());
    }
  }
  EXPECT_GT(count, 5);
  EXPECT_TRUE(saw_access);
}

TEST(OperationsTest, ShutdownFinishesTheRequestInFlight) {
  TestDatabase database(false);
  // A deliberately expensive Argon2id (256 MiB, 3 passes) keeps a login in flight.
  AuthdProcess server(database.url(),
                      {{"AUTH_ARGON2_OPSLIMIT", "3"}, {"AUTH_ARGON2_MEMLIMIT", "268435456"}});
  HttpClient http(server.baseUrl());
  HttpResponse login;
  std::thread client([&] {
    login = http.postJson("/v1/auth/login",
                          {{"email", "nobody@example.com"}, {"password", "whatever it is"}});
  });
  // The login spends about half a second in Argon2id; signal well inside that window.
  std::this_thread::sleep_for(std::chrono::milliseconds(150));
  const int code = server.stop();
  client.join();
  EXPECT_EQ(code, 0);
  EXPECT_EQ(login.status, 401) << "the in-flight login got a whole answer";
  EXPECT_EQ(login.json().at("code"), "invalid_credentials");
}

// The metrics the dashboard and the alert rules need (issue 18): lockouts and the mail backlog
// next to the hashing queue, each moving when the thing it counts happens.
TEST(OperationsTest, MetricsCountLockoutsAndTheMailBacklog) {
  TestDatabase database(false);
  // Mail to a port nobody listens on: it stays in the outbox, retried, neither sent nor failed.
  AuthdProcess server(database.url(), {{"AUTH_LOGIN_MAX_FAILS", "2"},
                                       {"AUTH_SMTP_URL", "smtp://127.0.0.1:1"},
                                       {"AUTH_MAIL_RETRY_BASE_MS", "60000"}});
  HttpClient http(server.baseUrl());
  const auto metric = [&](const std::string& name) {
    const auto body = http.get("/metrics").body;
    const auto at = body.find("\n" + name + " ");
    if (at == std::string::npos) return std::string("missing");
    const auto start = at + name.size() + 2;
    return body.substr(start, body.find('\n', start) - start);
  };
  EXPECT_EQ(metric("authd_login_lockout_refusals_total"), "0");
  EXPECT_EQ(metric("authd_mail_outbox_backlog"), "0");
  EXPECT_EQ(metric("authd_hashing_requests_queued"), "0");
  EXPECT_EQ(metric("authd_ready"), "1");

  auto reg = http.postJson("/v1/auth/register", {{"email", "metrics@example.com"},
                                                 {"username", "metrics"},
                                                 {"password", "a metric passphrase"}});
  ASSERT_EQ(reg.status, 201);
  const auto access = reg.json().at("access_token").get<std::string>();
  ASSERT_EQ(http.post("/v1/auth/verify-email/request", "", "application/json",
                      {{"Authorization", "Bearer " + access}})
                .status,
            202);
  // The gauge is refreshed every 5 s in the background (a scrape never asks the database).
  std::string backlog;
  for (int i = 0; i < 100 && (backlog = metric("authd_mail_outbox_backlog")) != "1"; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(backlog, "1");

  const json wrong = {{"username", "metrics"}, {"password", "not the passphrase"}};
  EXPECT_EQ(http.postJson("/v1/auth/login", wrong).status, 401);
  EXPECT_EQ(http.postJson("/v1/auth/login", wrong).status, 401);
  EXPECT_EQ(http.postJson("/v1/auth/login", wrong).status, 429);  // locked out now
  EXPECT_EQ(http.postJson("/v1/auth/login", wrong).status, 429);
  EXPECT_EQ(metric("authd_login_lockout_refusals_total"), "2");
  EXPECT_EQ(metric("authd_login_failures_total"), "2");
}

}  // namespace
}  // namespace authd::testing
