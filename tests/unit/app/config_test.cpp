// loadConfig: every AUTH_* variable, its default and its checks.

#include "app/config.hpp"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <thread>

namespace authd {
namespace {

app::Getenv envOf(std::map<std::string, std::string> vars) {
  return [vars](const char* name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

TEST(ConfigTest, ReadsDefaultsAndOverrides) {
  auto c = app::loadConfig(envOf({{"AUTH_DATABASE_URL", "postgresql://x/y"},
                                  {"AUTH_LISTEN", "0.0.0.0:9000"},
                                  {"AUTH_REFRESH_REUSE_GRACE", "3"}}));
  EXPECT_EQ(c.listen_host, "0.0.0.0");
  EXPECT_EQ(c.listen_port, 9000);
  EXPECT_EQ(c.sessions.reuse_grace, Seconds(3));
  EXPECT_EQ(c.sessions.max_sessions, 10u);
  EXPECT_EQ(c.access_ttl, Seconds(900));
  EXPECT_EQ(c.db_pool_size, static_cast<std::size_t>(2 * c.threads));
}

TEST(ConfigTest, AbuseLimitsAndKeySettingsHaveTheContractDefaultsAndCanBeChanged) {
  const auto defaults = app::loadConfig(envOf({{"AUTH_DATABASE_URL", "postgresql://x/y"}}));
  EXPECT_EQ(defaults.login_max_fails, 5);
  EXPECT_EQ(defaults.login_window, Seconds(900));
  EXPECT_EQ(defaults.rate_limit_per_ip, 60);
  EXPECT_EQ(defaults.hash_concurrency,
            static_cast<int>(std::max(1u, std::thread::hardware_concurrency())));
  EXPECT_EQ(defaults.sessions.idle_ttl, Seconds(1209600));
  EXPECT_EQ(defaults.key_reload_interval, Seconds(60));
  const auto c = app::loadConfig(envOf({{"AUTH_DATABASE_URL", "postgresql://x/y"},
                                        {"AUTH_LOGIN_MAX_FAILS", "0"},
                                        {"AUTH_LOGIN_WINDOW", "60"},
                                        {"AUTH_RATE_LIMIT_PER_IP", "0"},
                                        {"AUTH_HASH_CONCURRENCY", "3"},
                                        {"AUTH_HASH_QUEUE", "7"}}));
  EXPECT_EQ(c.login_max_fails, 0);
  EXPECT_EQ(c.login_window, Seconds(60));
  EXPECT_EQ(c.rate_limit_per_ip, 0);
  EXPECT_EQ(c.hash_concurrency, 3);
  EXPECT_EQ(c.hash_queue, 7);
  for (const char* bad : {"AUTH_HASH_CONCURRENCY", "AUTH_LOGIN_WINDOW", "AUTH_RATE_LIMIT_PER_IP"}) {
    try {
      app::loadConfig(envOf({{"AUTH_DATABASE_URL", "x"}, {bad, "-1"}}));
      ADD_FAILURE() << bad << " accepted -1";
    } catch (const app::ConfigError& e) {
      EXPECT_NE(std::string(e.what()).find(bad), std::string::npos);
    }
  }
}

TEST(ConfigTest, BadValuesNameTheVariable) {
  try {
    app::loadConfig(envOf({{"AUTH_DATABASE_URL", "x"}, {"AUTH_ACCESS_TTL", "soon"}}));
    FAIL() << "accepted a bad value";
  } catch (const app::ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("AUTH_ACCESS_TTL"), std::string::npos);
  }
  EXPECT_THROW(app::loadConfig(envOf({})), app::ConfigError);
  EXPECT_THROW(app::loadConfig(envOf({{"AUTH_DATABASE_URL", "x"}, {"AUTH_LISTEN", "nope"}})),
               app::ConfigError);
}

TEST(ConfigTest, EveryBadValueIsReportedAtOnceInOrder) {
  try {
    app::loadConfig(envOf({{"AUTH_LISTEN", "nope"},
                           {"AUTH_ACCESS_TTL", "soon"},
                           {"AUTH_DEV_MODE", "maybe"},
                           {"AUTH_SMTP_URL", "http://mail"}}));
    FAIL() << "accepted bad values";
  } catch (const app::ConfigError& e) {
    const std::vector<std::string> names = {"AUTH_DATABASE_URL", "AUTH_LISTEN", "AUTH_ACCESS_TTL",
                                            "AUTH_DEV_MODE", "AUTH_SMTP_URL"};
    ASSERT_EQ(e.problems.size(), names.size());
    for (std::size_t i = 0; i < names.size(); ++i) {
      EXPECT_EQ(e.problems[i].rfind(names[i], 0), 0u) << e.problems[i];
    }
    EXPECT_EQ(std::string(e.what()), e.problems.front());
  }
}

TEST(ConfigTest, HttpLimitsDefaultFromTheHashWaitAndMustOutlastIt) {
  const auto defaults = app::loadConfig(envOf({{"AUTH_DATABASE_URL", "x"}}));
  EXPECT_EQ(defaults.http_header_timeout_s, 10);  // AUTH_HASH_WAIT_MS 5000 + 5 s
  EXPECT_EQ(defaults.http_body_timeout_s, 10);
  EXPECT_EQ(defaults.http_max_request_bytes, 1u << 20);
  ASSERT_EQ(defaults.trusted_proxies.size(), 2u);
  EXPECT_TRUE(defaults.trusted_proxies[0].contains("127.0.0.1"));
  EXPECT_TRUE(defaults.trusted_proxies[1].contains("::1"));
  const auto slow =
      app::loadConfig(envOf({{"AUTH_DATABASE_URL", "x"}, {"AUTH_HASH_WAIT_MS", "7500"}}));
  EXPECT_EQ(slow.http_header_timeout_s, 13);
  try {
    app::loadConfig(envOf({{"AUTH_DATABASE_URL", "x"},
                           {"AUTH_HASH_WAIT_MS", "6000"},
                           {"AUTH_HTTP_HEADER_TIMEOUT", "10"}}));
    FAIL() << "accepted a header timeout shorter than the hash wait plus 5 s";
  } catch (const app::ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("AUTH_HTTP_HEADER_TIMEOUT"), std::string::npos);
  }
  EXPECT_THROW(
      app::loadConfig(envOf({{"AUTH_DATABASE_URL", "x"}, {"AUTH_TRUSTED_PROXIES", "10.0.0.0/99"}})),
      app::ConfigError);
  EXPECT_THROW(
      app::loadConfig(envOf({{"AUTH_DATABASE_URL", "x"}, {"AUTH_HTTP_MAX_REQUEST_BYTES", "1000"}})),
      app::ConfigError);
}

TEST(ConfigTest, TotpIssuerDefaultsToTheIssuersHostAndMayHoldNoColon) {
  // Authenticator apps split "issuer:account" at the colon: the port must not come along.
  EXPECT_EQ(app::loadConfig(envOf({{"AUTH_DATABASE_URL", "x"}})).totp_issuer, "127.0.0.1");
  EXPECT_EQ(app::loadConfig(envOf({{"AUTH_DATABASE_URL", "x"},
                                   {"AUTH_ISSUER", "https://ops@auth.example.com:8443/base"}}))
                .totp_issuer,
            "auth.example.com");
  EXPECT_EQ(app::loadConfig(envOf({{"AUTH_DATABASE_URL", "x"}, {"AUTH_ISSUER", "http://[::1]:80"}}))
                .totp_issuer,
            "authd");
  EXPECT_EQ(app::loadConfig(envOf({{"AUTH_DATABASE_URL", "x"}, {"AUTH_TOTP_ISSUER", "Example Co"}}))
                .totp_issuer,
            "Example Co");
  for (const char* bad : {"Example:Co", "tab\there", "\xff"}) {
    EXPECT_THROW(app::loadConfig(envOf({{"AUTH_DATABASE_URL", "x"}, {"AUTH_TOTP_ISSUER", bad}})),
                 app::ConfigError)
        << bad;
  }
}

}  // namespace
}  // namespace authd
