// The hand-written sessions codec: what it writes, nlohmann and PostgreSQL read as the same
// JSON; what older releases wrote, and PostgreSQL's own printing of JSONB, it reads back.
#include "features/users/infrastructure/persistence/sessions_json.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "fakes/fakes.hpp"
#include "samples.hpp"
#include "shared/core/encoding.hpp"

namespace authd {
namespace {

namespace ud = users::domain;
using users::infrastructure::readSessionsJson;
using users::infrastructure::writeSessionsJson;

ud::Session session(std::string user_agent, std::string ip,
                    ud::AuthMethods methods = ud::AuthMethods::Password) {
  ud::SessionPolicy policy;
  testing::FakeRandomSource random;
  return ud::Session::open(Uuid::v7(fromMicros(1'790'000'000'123'457), random), Bytes(32, 0xAB),
                           fromMicros(1'790'000'000'123'457), policy, std::move(user_agent),
                           std::move(ip), methods);
}

TEST(SessionsJsonTest, RoundTripsEveryField) {
  ud::SessionPolicy policy;
  auto rotated = session("Mozilla/5.0 \"quoted\" \\ back \xC3\xA9 \xF0\x9F\x94\x91", "::1",
                         ud::AuthMethods::PasswordAndOtp);
  ud::RefreshAttempt attempt{0, Bytes(32, 0xAB), Bytes(32, 0xCD)};
  ASSERT_EQ(rotated.refresh(attempt, fromMicros(1'790'000'001'000'001), policy),
            ud::RefreshOutcome::Rotated);
  const std::vector<ud::Session> in{rotated, session("", ""), session("curl/8", "10.0.0.2")};
  const auto back = readSessionsJson(writeSessionsJson(in));
  ASSERT_EQ(back.size(), in.size());
  for (std::size_t i = 0; i < in.size(); ++i) testing::expectSameSession(in[i], back[i]);
  EXPECT_EQ(readSessionsJson(writeSessionsJson({})).size(), 0u);
}

TEST(SessionsJsonTest, WritesJsonThatAGeneralParserReadsAndLeavesDefaultsOut) {
  const auto text =
      writeSessionsJson({session("", ""), session("ua", "::1", ud::AuthMethods::PasswordAndOtp)});
  const auto j = nlohmann::json::parse(text);  // throws on invalid JSON or UTF-8
  ASSERT_EQ(j.size(), 2u);
  EXPECT_EQ(j[0].at("digest"), base64UrlEncode(Bytes(32, 0xAB)));
  EXPECT_EQ(j[0].at("gen"), 0);
  EXPECT_EQ(j[0].at("created_at"), "2026-09-21T14:13:20.123457Z");
  for (const char* absent : {"rotated_at", "user_agent", "ip", "amr", "secret", "token"}) {
    EXPECT_FALSE(j[0].contains(absent)) << absent;
  }
  EXPECT_EQ(j[1].at("amr"), nlohmann::json::array({"pwd", "otp"}));
  EXPECT_EQ(j[1].at("user_agent"), "ua");
}

// Hostile user agents: invalid UTF-8, NUL (JSONB refuses \u0000) and control characters are
// stored, never thrown, and the result is valid JSON a strict parser accepts.
TEST(SessionsJsonTest, HostileUserAgentsBecomeValidJson) {
  const std::string nasty = std::string("a\0b", 3) + "\x01\x1f\x7f" + "\xFF\xC0\xAF" +
                            "\xED\xA0\x80" + "\xF4\x90\x80\x80" + "\xE2\x82" + "\"}]" + "\\u0000";
  const auto text = writeSessionsJson({session(nasty, "\xFE")});
  EXPECT_EQ(text.find(std::string("\0", 1)), std::string::npos);
  const auto j = nlohmann::json::parse(text);
  EXPECT_EQ(j[0].at("user_agent").get<std::string>().find('\0'), std::string::npos);
  const auto back = readSessionsJson(text);
  ASSERT_EQ(back.size(), 1u);
  EXPECT_EQ(back[0].state().user_agent, j[0].at("user_agent").get<std::string>());
  EXPECT_NE(back[0].state().user_agent.find("\xEF\xBF\xBD"), std::string::npos);
  EXPECT_NE(back[0].state().user_agent.find("\\u0000"), std::string::npos);  // text, kept
  EXPECT_EQ(back[0].state().user_agent.substr(0, 1), "a");
}

// What earlier releases wrote (nlohmann, every field, "rotated_at": null), as PostgreSQL prints
// JSONB back: its own key order and spacing, escapes, non-ASCII as is, unknown keys.
TEST(SessionsJsonTest, ReadsOlderRowsAsPostgresqlPrintsThem) {
  const std::string stored =
      R"([{"ip": "10.0.0.2", "amr": ["pwd", "otp"], "gen": 3, )"
      R"("id": "0190b1f2-0000-7000-8000-000000000001", )"
      R"("digest": "q6urq6urq6urq6urq6urq6urq6urq6urq6urq6urq6s", )"
      R"("future": {"x": [1, 2.5e3, null, true]}, )"
      R"("created_at": "2026-09-21T14:13:20.123457Z", "expires_at": "2026-10-21T14:13:20Z", )"
      R"("rotated_at": null, "user_agent": "caf\u00e9 \ud83d\udd11 \"q\" é", )"
      R"("last_used_at": "2026-09-21T14:13:21Z"}])";
  const auto back = readSessionsJson(stored);
  ASSERT_EQ(back.size(), 1u);
  const auto& s = back[0].state();
  EXPECT_EQ(s.id.toString(), "0190b1f2-0000-7000-8000-000000000001");
  EXPECT_EQ(s.generation, 3u);
  EXPECT_EQ(s.token_digest, Bytes(32, 0xAB));
  EXPECT_EQ(toMicros(s.created_at), 1'790'000'000'123'457);
  EXPECT_FALSE(s.rotated_at.has_value());
  EXPECT_EQ(s.user_agent, "caf\xC3\xA9 \xF0\x9F\x94\x91 \"q\" \xC3\xA9");
  EXPECT_EQ(s.ip, "10.0.0.2");
  EXPECT_EQ(s.methods, ud::AuthMethods::PasswordAndOtp);
}

TEST(SessionsJsonTest, CorruptRowsThrowNeverCrash) {
  const std::string ok = writeSessionsJson({session("ua", "ip")});
  for (const std::string& bad :
       {std::string("not json"), std::string("[{\"id\": 5}]"), std::string("["),
        std::string("[{}]"), std::string("{}"), ok + "x", ok.substr(0, ok.size() - 2),
        std::string("[{\"gen\": -1}]"), std::string("[{\"gen\": 1.5}]"),
        std::string("[{\"gen\": 99999999999}]"), std::string("[\"\\ud800\"]"),
        std::string("[{\"x\": ") + std::string(100, '[') + std::string(100, ']') + "}]",
        std::string("[{\"user_agent\": \"\\u12\"}]"), std::string("[{\"ip\": \"a\nb\"}]")}) {
    EXPECT_THROW(readSessionsJson(bad), std::runtime_error) << bad;
  }
  // Every prefix of a valid document fails cleanly.
  for (std::size_t n = 0; n + 1 < ok.size(); ++n) {
    EXPECT_THROW(readSessionsJson(ok.substr(0, n)), std::runtime_error) << n;
  }
}

}  // namespace
}  // namespace authd
