// Database outages against the real binary (issue 10, contract "Running several instances"):
// authd's connections terminated, or the database stopped and started again, under load. No
// answer may be a 500, /readyz fails while the database is away, and authd recovers by itself.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdio>
#include <map>
#include <mutex>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "authd_process.hpp"
#include "http_client.hpp"
#include "shared/infrastructure/database.hpp"

namespace authd::testing {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

constexpr const char* kPassword = "correct horse battery staple";

std::string shell(const std::string& command) {
  std::string out;
  FILE* p = popen(command.c_str(), "r");
  if (p == nullptr) throw std::runtime_error("popen failed: " + command);
  char buf[4096];
  while (const auto n = fread(buf, 1, sizeof buf, p)) out.append(buf, n);
  if (pclose(p) != 0) throw std::runtime_error("failed: " + command + "\n" + out);
  return out;
}

// A PostgreSQL cluster of this test's own (scripts/pg-tmp), so stopping it disturbs no other
// test running in parallel.
class PrivateCluster {
 public:
  PrivateCluster() {
    const std::string exports = shell(std::string(AUTHD_PG_TMP) + " start");
    std::smatch m;
    if (!std::regex_search(exports, m, std::regex("PG_TMP_DIR='([^']+)'")))
      throw std::runtime_error(exports);
    dir_ = m[1];
    if (!std::regex_search(exports, m, std::regex("PGPORT='([0-9]+)'")))
      throw std::runtime_error(exports);
    port_ = m[1];
  }
  ~PrivateCluster() {
    try {
      shell(std::string(AUTHD_PG_TMP) + " stop " + dir_);
    } catch (const std::exception&) {
    }
  }
  std::string url(const std::string& db = "app") const {
    return "postgresql://postgres@127.0.0.1:" + port_ + "/" + db;
  }
  void pause() { shell(std::string(AUTHD_PG_TMP) + " pause " + dir_); }
  void resume() { shell(std::string(AUTHD_PG_TMP) + " resume " + dir_); }
  // Ends every backend serving authd's database, as an operator or a failover would.
  // How many it ended. With `wait`, returns once those backends are gone and their sockets
  // closed.
  unsigned long long terminateAuthd(bool wait = false) {
    auto admin = openDatabase({url("postgres"), 1, 5});
    odb::pgsql::connection_ptr c(admin->connection());
    // OFFSET 0 keeps the filter apart: never the terminating session itself.
    return c->execute(std::string("SELECT 1 FROM (SELECT pid FROM pg_stat_activity WHERE datname "
                                  "= 'app' AND pid <> pg_backend_pid() OFFSET 0) a WHERE "
                                  "pg_terminate_backend(a.pid") +
                      (wait ? ", 5000" : "") + ")");
  }

 private:
  std::string dir_, port_;
};

// Requests from a few threads until stopped, counting answers by status.
class Load {
 public:
  Load(const std::string& base, const std::string& access_token) {
    for (int t = 0; t < 3; ++t) {
      threads_.emplace_back([this, base, access_token, t] {
        HttpClient http(base);
        for (int i = 0; !stop_.load(); ++i) {
          long status = 0;
          try {
            status = (t == 0 && i % 4 == 0)
                         ? http.postJson("/v1/auth/login",
                                         {{"username", "load2"}, {"password", kPassword}})
                               .status
                         : http.get("/v1/users/me", {{"Authorization", "Bearer " + access_token}})
                               .status;
          } catch (const std::exception&) {
            status = -1;  // no answer at all
          }
          std::lock_guard lock(mu_);
          ++counts_[status];
        }
      });
    }
  }
  ~Load() { stop(); }
  std::map<long, int> stop() {
    stop_ = true;
    for (auto& t : threads_) {
      if (t.joinable()) t.join();
    }
    std::lock_guard lock(mu_);
    return counts_;
  }

 private:
  std::atomic<bool> stop_{false};
  std::mutex mu_;
  std::map<long, int> counts_;
  std::vector<std::thread> threads_;
};

// The log lines of failed answers, for the failure message.
std::string failuresIn(const std::string& log) {
  std::string out;
  std::size_t at = 0;
  while (at < log.size()) {
    const auto end = std::min(log.find('\n', at), log.size());
    const auto line = log.substr(at, end - at);
    if (line.find(" 500 ") != std::string::npos ||
        line.find("internal error") != std::string::npos) {
      out += line + "\n";
    }
    at = end + 1;
  }
  return out;
}

std::string describe(const std::map<long, int>& counts) {
  std::string out;
  for (const auto& [status, n] : counts)
    out += std::to_string(status) + ":" + std::to_string(n) + " ";
  return out;
}

// Polls `probe` until it returns true or `limit` passes; returns how long it took.
template <typename Probe>
std::chrono::milliseconds waitUntil(Probe probe, std::chrono::milliseconds limit) {
  const auto start = std::chrono::steady_clock::now();
  while (std::chrono::steady_clock::now() - start < limit) {
    if (probe()) break;
    std::this_thread::sleep_for(100ms);
  }
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                               start);
}

// Registers "load", whose token the load reads /v1/users/me with, and "load2", whom it logs in
// (so that logins never evict the session of that token).
std::string registerLoadUser(HttpClient& http) {
  auto other = http.postJson(
      "/v1/auth/register",
      {{"email", "load2@example.com"}, {"username", "load2"}, {"password", kPassword}});
  if (other.status != 201) throw std::runtime_error(other.body);
  auto reg =
      http.postJson("/v1/auth/register",
                    {{"email", "load@example.com"}, {"username", "load"}, {"password", kPassword}});
  if (reg.status != 201) throw std::runtime_error(reg.body);
  return reg.json().at("access_token").get<std::string>();
}

void expectServes(HttpClient& http, const std::string& token) {
  EXPECT_EQ(http.get("/readyz").status, 200);
  EXPECT_EQ(http.get("/v1/users/me", {{"Authorization", "Bearer " + token}}).status, 200);
  auto login = http.postJson("/v1/auth/login", {{"username", "load2"}, {"password", kPassword}});
  ASSERT_EQ(login.status, 200) << login.body;
  EXPECT_EQ(http.postJson("/v1/auth/refresh", {{"refresh_token", login.json().at("refresh_token")}})
                .status,
            200);
}

TEST(OutageTest, TerminatedConnectionsUnderLoadCostNo500AndHealThemselves) {
  PrivateCluster pg;
  AuthdProcess server(pg.url(), {{"AUTH_DB_POOL_SIZE", "4"}});
  HttpClient http(server.baseUrl());
  const std::string token = registerLoadUser(http);
  Load load(server.baseUrl(), token);
  std::this_thread::sleep_for(300ms);
  unsigned long long terminated = 0;
  for (int i = 0; i < 5; ++i) {
    terminated += pg.terminateAuthd();
    std::this_thread::sleep_for(300ms);
  }
  const auto counts = load.stop();
  EXPECT_GT(terminated, 0u);
  EXPECT_EQ(counts.count(500), 0u) << describe(counts) << failuresIn(server.log());
  EXPECT_EQ(counts.count(-1), 0u) << describe(counts);
  for (const auto& [status, n] : counts) {
    EXPECT_TRUE(status == 200 || status == 503) << describe(counts);
  }
  EXPECT_GT(counts.count(200) ? counts.at(200) : 0, 0) << describe(counts);
  // No restart: the very next requests are served.
  expectServes(http, token);
}

// The server ended authd's pooled connections between requests (a restart, a failover): each
// is found dead before anything is sent on it, so even a refresh, whose write is never sent
// twice, goes to a fresh connection and is answered 200, not 503.
TEST(OutageTest, PooledConnectionsTheServerEndedCostNoRefreshA503) {
  PrivateCluster pg;
  AuthdProcess server(pg.url(), {{"AUTH_DB_POOL_SIZE", "4"}});
  HttpClient http(server.baseUrl());
  const std::string token = registerLoadUser(http);
  {
    Load load(server.baseUrl(), token);  // several connections in the pool
    std::this_thread::sleep_for(300ms);
  }
  std::vector<std::string> refresh_tokens;  // after the load, whose logins evict sessions
  for (int i = 0; i < 4; ++i) {
    auto login = http.postJson("/v1/auth/login", {{"username", "load2"}, {"password", kPassword}});
    ASSERT_EQ(login.status, 200) << login.body;
    refresh_tokens.push_back(login.json().at("refresh_token").get<std::string>());
  }
  ASSERT_GE(pg.terminateAuthd(true), 2u);
  for (const auto& refresh_token : refresh_tokens) {
    const auto r = http.postJson("/v1/auth/refresh", {{"refresh_token", refresh_token}});
    EXPECT_EQ(r.status, 200) << r.body << failuresIn(server.log());
  }
  expectServes(http, token);
}

TEST(OutageTest, DatabaseStoppedAndStartedUnderLoadIs503WhileAwayAndRecoversWithinSeconds) {
  PrivateCluster pg;
  AuthdProcess server(pg.url(), {{"AUTH_DB_POOL_SIZE", "4"}, {"AUTH_DB_CONNECT_TIMEOUT", "2"}});
  HttpClient http(server.baseUrl());
  const std::string token = registerLoadUser(http);
  Load load(server.baseUrl(), token);
  std::this_thread::sleep_for(300ms);
  pg.pause();
  const auto unready = waitUntil([&] { return http.get("/readyz").status == 503; }, 5s);
  EXPECT_LT(unready, 5s);
  const auto down = http.get("/v1/users/me", {{"Authorization", "Bearer " + token}});
  EXPECT_EQ(down.status, 503) << down.body;
  EXPECT_EQ(down.json().at("code"), "unavailable");
  EXPECT_FALSE(down.header("retry-after").empty());
  std::this_thread::sleep_for(1s);
  pg.resume();
  const auto ready = waitUntil([&] { return http.get("/readyz").status == 200; }, 15s);
  EXPECT_LT(ready, 10s);
  const auto counts = load.stop();
  EXPECT_EQ(counts.count(500), 0u) << describe(counts) << failuresIn(server.log());
  EXPECT_EQ(counts.count(-1), 0u) << describe(counts);
  EXPECT_GT(counts.count(503) ? counts.at(503) : 0, 0) << describe(counts);
  expectServes(http, token);
}

}  // namespace
}  // namespace authd::testing
