// End to end, one test or more per route of the contract: success and each error code,
// against the real binary, real HTTP and a real PostgreSQL.
#include <atomic>
#include <set>
#include <thread>

#include "contract_fixture.hpp"

namespace authd::testing {
namespace {

using nlohmann::json;

TEST_F(ContractTest, BearerRoutesRejectMissingMalformedAndForgedTokens) {
  auto t = api_.signUp("bearer1");
  for (const auto& [method, path] :
       std::vector<std::pair<std::string, std::string>>{{"GET", "/v1/users/me"},
                                                        {"GET", "/v1/auth/sessions"},
                                                        {"POST", "/v1/auth/logout-all"},
                                                        {"GET", "/v1/auth/events"},
                                                        {"GET", "/v1/admin/users"}}) {
    expectProblem(api_.send(method, path, nullptr, {}), 401, "unauthorized");
    expectProblem(api_.send(method, path, nullptr, {{"Authorization", "Bearer not.a.jwt"}}), 401,
                  "unauthorized");
    auto forged = t.at("access_token").get<std::string>();
    forged.back() = forged.back() == 'A' ? 'B' : 'A';
    expectProblem(api_.send(method, path, nullptr, {{"Authorization", "Bearer " + forged}}), 401,
                  "unauthorized");
  }
  EXPECT_EQ(api_.send("GET", "/v1/users/me", nullptr, {}).header("www-authenticate"), "Bearer");
}

TEST_F(ContractTest, GetMeReturnsTheUser) {
  auto t = api_.signUp("me1");
  auto r = api_.send("GET", "/v1/users/me", nullptr, ApiClient::bearer(t));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json(), t.at("user"));
}

TEST_F(ContractTest, PatchMeUpdatesAndValidates) {
  auto t = api_.signUp("patch1");
  api_.signUp("patch2");
  json body = {{"display_name", "  Pat  "}, {"username", "Patch1b"}};
  auto r = api_.send("PATCH", "/v1/users/me", &body, ApiClient::bearer(t));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json().at("display_name"), "Pat");
  EXPECT_EQ(r.json().at("username"), "patch1b");
  json clear = {{"display_name", nullptr}};
  EXPECT_EQ(
      api_.send("PATCH", "/v1/users/me", &clear, ApiClient::bearer(t)).json().at("display_name"),
      nullptr);
  json taken = {{"username", "PATCH2"}};
  expectProblem(api_.send("PATCH", "/v1/users/me", &taken, ApiClient::bearer(t)), 409,
                "username_taken");
  json bad = {{"username", "x"}, {"display_name", 5}};
  expectProblem(api_.send("PATCH", "/v1/users/me", &bad, ApiClient::bearer(t)), 422,
                "validation_failed");
  auto wrong_type = http_.request("PATCH", "/v1/users/me", nullptr, ApiClient::bearer(t));
  expectProblem(wrong_type, 415, "unsupported_media_type");
}

TEST_F(ContractTest, LogoutIsIdempotentAndEndsTheSession) {
  auto t = api_.signUp("logout1");
  json body = {{"refresh_token", t.at("refresh_token")}};
  EXPECT_EQ(api_.send("POST", "/v1/auth/logout", &body, {}).status, 204);
  EXPECT_EQ(api_.send("POST", "/v1/auth/logout", &body, {}).status, 204);
  json unknown = {{"refresh_token", "unknown"}};
  EXPECT_EQ(api_.send("POST", "/v1/auth/logout", &unknown, {}).status, 204);
  expectProblem(api_.send("GET", "/v1/users/me", nullptr, ApiClient::bearer(t)), 401,
                "unauthorized");
  expectProblem(api_.send("POST", "/v1/auth/refresh", &body, {}), 401, "refresh_token_invalid");
  json missing = json::object();
  expectProblem(api_.send("POST", "/v1/auth/logout", &missing, {}), 422, "validation_failed");
}

TEST_F(ContractTest, LogoutAllEndsEverySession) {
  auto a = api_.signUp("all1");
  auto b = api_.logIn("all1");
  EXPECT_EQ(api_.send("POST", "/v1/auth/logout-all", nullptr, ApiClient::bearer(a)).status, 204);
  expectProblem(api_.send("GET", "/v1/users/me", nullptr, ApiClient::bearer(b)), 401,
                "unauthorized");
  json body = {{"refresh_token", b.at("refresh_token")}};
  expectProblem(api_.send("POST", "/v1/auth/refresh", &body, {}), 401, "refresh_token_invalid");
}

TEST_F(ContractTest, SessionsListMarksCurrentAndDeleteRevokesOne) {
  auto a = api_.signUp("sess1");
  auto b =
      http_.request("POST", "/v1/auth/login", nullptr, {});  // warm nothing; keeps order simple
  (void)b;
  auto second = api_.logIn("sess1");
  auto r = api_.send("GET", "/v1/auth/sessions", nullptr, ApiClient::bearer(a));
  ASSERT_EQ(r.status, 200) << r.body;
  const auto sessions = r.json().at("sessions");
  ASSERT_EQ(sessions.size(), 2u);
  int current = 0;
  std::string other_id;
  for (const auto& s : sessions) {
    for (const char* k :
         {"id", "created_at", "last_used_at", "expires_at", "user_agent", "ip", "current"}) {
      EXPECT_TRUE(s.contains(k)) << k;
    }
    EXPECT_EQ(s.at("ip"), "127.0.0.1");
    if (s.at("current") == true)
      ++current;
    else
      other_id = s.at("id");
  }
  EXPECT_EQ(current, 1);
  expectProblem(
      api_.send("DELETE", "/v1/auth/sessions/" + other_id + "0", nullptr, ApiClient::bearer(a)),
      404, "not_found");
  auto stranger = api_.signUp("sess2");
  expectProblem(
      api_.send("DELETE", "/v1/auth/sessions/" + other_id, nullptr, ApiClient::bearer(stranger)),
      404, "not_found");
  EXPECT_EQ(
      api_.send("DELETE", "/v1/auth/sessions/" + other_id, nullptr, ApiClient::bearer(a)).status,
      204);
  expectProblem(api_.send("GET", "/v1/users/me", nullptr, ApiClient::bearer(second)), 401,
                "unauthorized");
  EXPECT_EQ(api_.send("GET", "/v1/users/me", nullptr, ApiClient::bearer(a)).status, 200);
}

TEST_F(ContractTest, RevokeAnswers200AlwaysAndRevokesBothKinds) {
  auto a = api_.signUp("rev1");
  auto b = api_.logIn("rev1");
  json by_refresh = {{"token", a.at("refresh_token")}, {"token_type_hint", "refresh_token"}};
  auto r = api_.send("POST", "/v1/auth/revoke", &by_refresh, {});
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.json(), json::object());
  expectProblem(api_.send("GET", "/v1/users/me", nullptr, ApiClient::bearer(a)), 401,
                "unauthorized");
  // Form-encoded, access token: revokes its sid.
  auto form = http_.post("/v1/auth/revoke", "token=" + b.at("access_token").get<std::string>(),
                         "application/x-www-form-urlencoded");
  EXPECT_EQ(form.status, 200);
  expectProblem(api_.send("GET", "/v1/users/me", nullptr, ApiClient::bearer(b)), 401,
                "unauthorized");
  json junk = {{"token", "junk"}};
  EXPECT_EQ(api_.send("POST", "/v1/auth/revoke", &junk, {}).status, 200);
  json missing = json::object();
  expectProblem(api_.send("POST", "/v1/auth/revoke", &missing, {}), 422, "validation_failed");
}

TEST_F(ContractTest, IntrospectionFollowsTheSession) {
  auto t = api_.signUp("intro1");
  json body = {{"token", t.at("access_token")}};
  auto r = api_.send("POST", "/v1/auth/introspect", &body, {});
  ASSERT_EQ(r.status, 200);
  const auto j = r.json();
  EXPECT_EQ(j.at("active"), true);
  EXPECT_EQ(j.at("sub"), t.at("user").at("id"));
  EXPECT_EQ(j.at("token_type"), "access_token");
  EXPECT_EQ(j.at("aud"), "authd");
  EXPECT_EQ(j.at("roles"), json::array({"user"}));
  for (const char* k : {"sid", "exp", "iat", "iss"}) EXPECT_TRUE(j.contains(k)) << k;
  json logout = {{"refresh_token", t.at("refresh_token")}};
  ASSERT_EQ(api_.send("POST", "/v1/auth/logout", &logout, {}).status, 204);
  EXPECT_EQ(api_.send("POST", "/v1/auth/introspect", &body, {}).json(), json({{"active", false}}));
  json garbage = {{"token", "garbage"}};
  EXPECT_EQ(api_.send("POST", "/v1/auth/introspect", &garbage, {}).json(),
            json({{"active", false}}));
  json missing = json::object();
  expectProblem(api_.send("POST", "/v1/auth/introspect", &missing, {}), 422, "validation_failed");
}

TEST_F(ContractTest, PasswordChangeRevokesOtherSessions) {
  auto a = api_.signUp("pw1");
  auto b = api_.logIn("pw1");
  json wrong = {{"current_password", "not it at all"}, {"new_password", "a whole new secret"}};
  expectProblem(api_.send("POST", "/v1/users/me/password", &wrong, ApiClient::bearer(a)), 401,
                "invalid_credentials");
  json weak = {{"current_password", kPassword}, {"new_password", "short"}};
  expectProblem(api_.send("POST", "/v1/users/me/password", &weak, ApiClient::bearer(a)), 422,
                "validation_failed");
  json missing = {{"current_password", kPassword}};
  expectProblem(api_.send("POST", "/v1/users/me/password", &missing, ApiClient::bearer(a)), 422,
                "validation_failed");
  json good = {{"current_password", kPassword}, {"new_password", "a whole new secret"}};
  EXPECT_EQ(api_.send("POST", "/v1/users/me/password", &good, ApiClient::bearer(a)).status, 204);
  EXPECT_EQ(api_.send("GET", "/v1/users/me", nullptr, ApiClient::bearer(a)).status,
            200);  // caller stays
  expectProblem(api_.send("GET", "/v1/users/me", nullptr, ApiClient::bearer(b)), 401,
                "unauthorized");
  auto old_login = http_.postJson("/v1/auth/login", {{"username", "pw1"}, {"password", kPassword}});
  expectProblem(old_login, 401, "invalid_credentials");
  EXPECT_EQ(
      http_.postJson("/v1/auth/login", {{"username", "pw1"}, {"password", "a whole new secret"}})
          .status,
      200);
}

TEST_F(ContractTest, DeleteMeSoftDeletesAndKeepsNamesReserved) {
  auto t = api_.signUp("del1");
  json wrong = {{"password", "nope nope nope"}};
  expectProblem(api_.send("DELETE", "/v1/users/me", &wrong, ApiClient::bearer(t)), 401,
                "invalid_credentials");
  json right = {{"password", kPassword}};
  EXPECT_EQ(api_.send("DELETE", "/v1/users/me", &right, ApiClient::bearer(t)).status, 204);
  expectProblem(api_.send("GET", "/v1/users/me", nullptr, ApiClient::bearer(t)), 401,
                "unauthorized");
  expectProblem(http_.postJson("/v1/auth/login", {{"username", "del1"}, {"password", kPassword}}),
                401, "invalid_credentials");
  json refresh = {{"refresh_token", t.at("refresh_token")}};
  expectProblem(api_.send("POST", "/v1/auth/refresh", &refresh, {}), 401, "refresh_token_invalid");
  auto again = http_.postJson(
      "/v1/auth/register",
      {{"email", "DEL1@example.com"}, {"username", "other1"}, {"password", kPassword}});
  expectProblem(again, 409, "email_taken");
  auto admin = makeAdmin("deladmin");
  expectProblem(api_.send("GET", "/v1/admin/users/" + t.at("user").at("id").get<std::string>(),
                          nullptr, ApiClient::bearer(admin)),
                404, "not_found");
}

TEST_F(ContractTest, EventsListTheCallersOwnNewestFirst) {
  auto t = api_.signUp("events1");
  http_.postJson("/v1/auth/login", {{"username", "events1"}, {"password", "wrong password"}});
  api_.logIn("events1");
  auto r = api_.send("GET", "/v1/auth/events?limit=2", nullptr, ApiClient::bearer(t));
  ASSERT_EQ(r.status, 200) << r.body;
  const auto page = r.json();
  ASSERT_EQ(page.at("events").size(), 2u);
  EXPECT_EQ(page.at("events")[0].at("type"), "login_succeeded");
  EXPECT_EQ(page.at("events")[1].at("type"), "login_failed");
  for (const char* k : {"id", "type", "at", "ip", "user_agent"})
    EXPECT_TRUE(page.at("events")[0].contains(k));
  ASSERT_TRUE(page.at("next_cursor").is_string());
  auto rest = api_.send(
      "GET", "/v1/auth/events?limit=2&cursor=" + page.at("next_cursor").get<std::string>(), nullptr,
      ApiClient::bearer(t));
  ASSERT_EQ(rest.status, 200);
  ASSERT_EQ(rest.json().at("events").size(), 1u);
  EXPECT_EQ(rest.json().at("events")[0].at("type"), "register");
  EXPECT_EQ(rest.json().at("next_cursor"), nullptr);
  expectProblem(api_.send("GET", "/v1/auth/events?limit=0", nullptr, ApiClient::bearer(t)), 422,
                "validation_failed");
  expectProblem(api_.send("GET", "/v1/auth/events?cursor=zzz", nullptr, ApiClient::bearer(t)), 422,
                "validation_failed");
}

TEST_F(ContractTest, TwentyParallelRefreshesAcrossTenSessionsAllYieldWorkingTokens) {
  api_.signUp("conc1");
  std::vector<json> sessions;
  for (int i = 0; i < 9; ++i) sessions.push_back(api_.logIn("conc1"));
  sessions.push_back(api_.logIn("conc1"));  // the 11th session evicts the registration's: 10 remain
  std::vector<std::string> results(20);
  std::vector<long> statuses(20);
  std::vector<std::thread> threads;
  std::atomic<bool> go{false};
  for (int i = 0; i < 20; ++i) {
    threads.emplace_back([&, i] {
      while (!go.load()) std::this_thread::yield();
      HttpClient client(server_->baseUrl());
      auto r = client.postJson("/v1/auth/refresh",
                               {{"refresh_token", sessions[i % 10].at("refresh_token")}});
      statuses[i] = r.status;
      if (r.status == 200) results[i] = r.json().at("refresh_token");
    });
  }
  go = true;
  for (auto& t : threads) t.join();
  for (int i = 0; i < 20; ++i) ASSERT_EQ(statuses[i], 200) << "refresh " << i;
  for (int i = 0; i < 10; ++i) {
    // Both refreshes of one token got the same successor (grace window), so no update was lost.
    EXPECT_EQ(results[i], results[i + 10]) << "session " << i;
  }
  for (int i = 0; i < 10; ++i) {
    auto r = http_.postJson("/v1/auth/refresh", {{"refresh_token", results[i]}});
    EXPECT_EQ(r.status, 200) << r.body;
  }
  auto me = api_.logIn("conc1");
  auto list = api_.send("GET", "/v1/auth/sessions", nullptr, ApiClient::bearer(me)).json();
  EXPECT_EQ(list.at("sessions").size(), 10u);
}

}  // namespace
}  // namespace authd::testing
