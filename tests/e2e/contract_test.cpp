// End to end, one test or more per route of the contract: success and each error code,
// against the real binary, real HTTP and a real PostgreSQL.
#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>

#include "authd_process.hpp"
#include "http_client.hpp"
#include "test_database.hpp"

namespace authd::testing {
namespace {

using nlohmann::json;
using Headers = std::map<std::string, std::string>;

constexpr const char* kPassword = "correct horse battery";

class ContractTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    database_ = new TestDatabase(/*migrate=*/false);
    server_ = new AuthdProcess(database_->url());
  }
  static void TearDownTestSuite() {
    delete server_;
    delete database_;
  }
  void TearDown() override {
    if (HasFailure()) std::cerr << "authd log (tail):\n" << server_->log().substr(server_->log().size() > 4000 ? server_->log().size() - 4000 : 0);
  }

  // Registers a fresh user and returns the token response.
  json signUp(const std::string& name) {
    auto r = http_.postJson("/v1/auth/register",
                            {{"email", name + "@example.com"}, {"username", name}, {"password", kPassword}});
    EXPECT_EQ(r.status, 201) << r.body;
    return r.json();
  }
  json logIn(const std::string& name) {
    auto r = http_.postJson("/v1/auth/login", {{"username", name}, {"password", kPassword}});
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json();
  }
  static Headers bearer(const json& tokens) {
    return {{"Authorization", "Bearer " + tokens.at("access_token").get<std::string>()}};
  }
  HttpResponse send(const std::string& method, const std::string& path, const json* body,
                    const Headers& headers) {
    Headers h = headers;
    std::string text;
    if (body != nullptr) {
      h["Content-Type"] = "application/json";
      text = body->dump();
    }
    return http_.request(method, path, body ? &text : nullptr, h);
  }
  static void expectProblem(const HttpResponse& r, int status, const std::string& code) {
    EXPECT_EQ(r.status, status) << r.body;
    EXPECT_EQ(r.header("content-type"), "application/problem+json") << r.body;
    EXPECT_FALSE(r.header("x-request-id").empty());
    if (!r.body.empty() && r.body[0] == '{') {
      EXPECT_EQ(r.json().at("code"), code) << r.body;
      EXPECT_EQ(r.json().at("status"), status);
    }
  }
  json makeAdmin(const std::string& name) {
    auto tokens = signUp(name);
    std::string out;
    EXPECT_EQ(runAuthd({"grant-role", name + "@example.com", "admin"}, database_->url(), &out), 0) << out;
    return logIn(name);  // a new token carries the new role
  }

  HttpClient http_{server_->baseUrl()};
  static TestDatabase* database_;
  static AuthdProcess* server_;
};

TestDatabase* ContractTest::database_ = nullptr;
AuthdProcess* ContractTest::server_ = nullptr;

TEST_F(ContractTest, BearerRoutesRejectMissingMalformedAndForgedTokens) {
  auto t = signUp("bearer1");
  for (const auto& [method, path] : std::vector<std::pair<std::string, std::string>>{
           {"GET", "/v1/users/me"}, {"GET", "/v1/auth/sessions"}, {"POST", "/v1/auth/logout-all"},
           {"GET", "/v1/auth/events"}, {"GET", "/v1/admin/users"}}) {
    expectProblem(send(method, path, nullptr, {}), 401, "unauthorized");
    expectProblem(send(method, path, nullptr, {{"Authorization", "Bearer not.a.jwt"}}), 401, "unauthorized");
    auto forged = t.at("access_token").get<std::string>();
    forged.back() = forged.back() == 'A' ? 'B' : 'A';
    expectProblem(send(method, path, nullptr, {{"Authorization", "Bearer " + forged}}), 401, "unauthorized");
  }
  EXPECT_EQ(send("GET", "/v1/users/me", nullptr, {}).header("www-authenticate"), "Bearer");
}

TEST_F(ContractTest, GetMeReturnsTheUser) {
  auto t = signUp("me1");
  auto r = send("GET", "/v1/users/me", nullptr, bearer(t));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json(), t.at("user"));
}

TEST_F(ContractTest, PatchMeUpdatesAndValidates) {
  auto t = signUp("patch1");
  signUp("patch2");
  json body = {{"display_name", "  Pat  "}, {"username", "Patch1b"}};
  auto r = send("PATCH", "/v1/users/me", &body, bearer(t));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json().at("display_name"), "Pat");
  EXPECT_EQ(r.json().at("username"), "patch1b");
  json clear = {{"display_name", nullptr}};
  EXPECT_EQ(send("PATCH", "/v1/users/me", &clear, bearer(t)).json().at("display_name"), nullptr);
  json taken = {{"username", "PATCH2"}};
  expectProblem(send("PATCH", "/v1/users/me", &taken, bearer(t)), 409, "username_taken");
  json bad = {{"username", "x"}, {"display_name", 5}};
  expectProblem(send("PATCH", "/v1/users/me", &bad, bearer(t)), 422, "validation_failed");
  auto wrong_type = http_.request("PATCH", "/v1/users/me", nullptr, bearer(t));
  expectProblem(wrong_type, 415, "unsupported_media_type");
}

TEST_F(ContractTest, LogoutIsIdempotentAndEndsTheSession) {
  auto t = signUp("logout1");
  json body = {{"refresh_token", t.at("refresh_token")}};
  EXPECT_EQ(send("POST", "/v1/auth/logout", &body, {}).status, 204);
  EXPECT_EQ(send("POST", "/v1/auth/logout", &body, {}).status, 204);
  json unknown = {{"refresh_token", "unknown"}};
  EXPECT_EQ(send("POST", "/v1/auth/logout", &unknown, {}).status, 204);
  expectProblem(send("GET", "/v1/users/me", nullptr, bearer(t)), 401, "unauthorized");
  expectProblem(send("POST", "/v1/auth/refresh", &body, {}), 401, "refresh_token_invalid");
  json missing = json::object();
  expectProblem(send("POST", "/v1/auth/logout", &missing, {}), 422, "validation_failed");
}

TEST_F(ContractTest, LogoutAllEndsEverySession) {
  auto a = signUp("all1");
  auto b = logIn("all1");
  EXPECT_EQ(send("POST", "/v1/auth/logout-all", nullptr, bearer(a)).status, 204);
  expectProblem(send("GET", "/v1/users/me", nullptr, bearer(b)), 401, "unauthorized");
  json body = {{"refresh_token", b.at("refresh_token")}};
  expectProblem(send("POST", "/v1/auth/refresh", &body, {}), 401, "refresh_token_invalid");
}

TEST_F(ContractTest, SessionsListMarksCurrentAndDeleteRevokesOne) {
  auto a = signUp("sess1");
  auto b = http_.request("POST", "/v1/auth/login", nullptr, {});  // warm nothing; keeps order simple
  (void)b;
  auto second = logIn("sess1");
  auto r = send("GET", "/v1/auth/sessions", nullptr, bearer(a));
  ASSERT_EQ(r.status, 200) << r.body;
  const auto sessions = r.json().at("sessions");
  ASSERT_EQ(sessions.size(), 2u);
  int current = 0;
  std::string other_id;
  for (const auto& s : sessions) {
    for (const char* k : {"id", "created_at", "last_used_at", "expires_at", "user_agent", "ip", "current"}) {
      EXPECT_TRUE(s.contains(k)) << k;
    }
    EXPECT_EQ(s.at("ip"), "127.0.0.1");
    if (s.at("current") == true) ++current;
    else other_id = s.at("id");
  }
  EXPECT_EQ(current, 1);
  expectProblem(send("DELETE", "/v1/auth/sessions/" + other_id + "0", nullptr, bearer(a)), 404, "not_found");
  auto stranger = signUp("sess2");
  expectProblem(send("DELETE", "/v1/auth/sessions/" + other_id, nullptr, bearer(stranger)), 404, "not_found");
  EXPECT_EQ(send("DELETE", "/v1/auth/sessions/" + other_id, nullptr, bearer(a)).status, 204);
  expectProblem(send("GET", "/v1/users/me", nullptr, bearer(second)), 401, "unauthorized");
  EXPECT_EQ(send("GET", "/v1/users/me", nullptr, bearer(a)).status, 200);
}

TEST_F(ContractTest, RevokeAnswers200AlwaysAndRevokesBothKinds) {
  auto a = signUp("rev1");
  auto b = logIn("rev1");
  json by_refresh = {{"token", a.at("refresh_token")}, {"token_type_hint", "refresh_token"}};
  auto r = send("POST", "/v1/auth/revoke", &by_refresh, {});
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.json(), json::object());
  expectProblem(send("GET", "/v1/users/me", nullptr, bearer(a)), 401, "unauthorized");
  // Form-encoded, access token: revokes its sid.
  auto form = http_.post("/v1/auth/revoke", "token=" + b.at("access_token").get<std::string>(),
                         "application/x-www-form-urlencoded");
  EXPECT_EQ(form.status, 200);
  expectProblem(send("GET", "/v1/users/me", nullptr, bearer(b)), 401, "unauthorized");
  json junk = {{"token", "junk"}};
  EXPECT_EQ(send("POST", "/v1/auth/revoke", &junk, {}).status, 200);
  json missing = json::object();
  expectProblem(send("POST", "/v1/auth/revoke", &missing, {}), 422, "validation_failed");
}

TEST_F(ContractTest, IntrospectionFollowsTheSession) {
  auto t = signUp("intro1");
  json body = {{"token", t.at("access_token")}};
  auto r = send("POST", "/v1/auth/introspect", &body, {});
  ASSERT_EQ(r.status, 200);
  const auto j = r.json();
  EXPECT_EQ(j.at("active"), true);
  EXPECT_EQ(j.at("sub"), t.at("user").at("id"));
  EXPECT_EQ(j.at("token_type"), "access_token");
  EXPECT_EQ(j.at("aud"), "authd");
  EXPECT_EQ(j.at("roles"), json::array({"user"}));
  for (const char* k : {"sid", "exp", "iat", "iss"}) EXPECT_TRUE(j.contains(k)) << k;
  json logout = {{"refresh_token", t.at("refresh_token")}};
  ASSERT_EQ(send("POST", "/v1/auth/logout", &logout, {}).status, 204);
  EXPECT_EQ(send("POST", "/v1/auth/introspect", &body, {}).json(), json({{"active", false}}));
  json garbage = {{"token", "garbage"}};
  EXPECT_EQ(send("POST", "/v1/auth/introspect", &garbage, {}).json(), json({{"active", false}}));
  json missing = json::object();
  expectProblem(send("POST", "/v1/auth/introspect", &missing, {}), 422, "validation_failed");
}

TEST_F(ContractTest, PasswordChangeRevokesOtherSessions) {
  auto a = signUp("pw1");
  auto b = logIn("pw1");
  json wrong = {{"current_password", "not it at all"}, {"new_password", "a whole new secret"}};
  expectProblem(send("POST", "/v1/users/me/password", &wrong, bearer(a)), 401, "invalid_credentials");
  json weak = {{"current_password", kPassword}, {"new_password", "short"}};
  expectProblem(send("POST", "/v1/users/me/password", &weak, bearer(a)), 422, "validation_failed");
  json missing = {{"current_password", kPassword}};
  expectProblem(send("POST", "/v1/users/me/password", &missing, bearer(a)), 422, "validation_failed");
  json good = {{"current_password", kPassword}, {"new_password", "a whole new secret"}};
  EXPECT_EQ(send("POST", "/v1/users/me/password", &good, bearer(a)).status, 204);
  EXPECT_EQ(send("GET", "/v1/users/me", nullptr, bearer(a)).status, 200);   // caller stays
  expectProblem(send("GET", "/v1/users/me", nullptr, bearer(b)), 401, "unauthorized");
  auto old_login = http_.postJson("/v1/auth/login", {{"username", "pw1"}, {"password", kPassword}});
  expectProblem(old_login, 401, "invalid_credentials");
  EXPECT_EQ(http_.postJson("/v1/auth/login", {{"username", "pw1"}, {"password", "a whole new secret"}}).status, 200);
}

TEST_F(ContractTest, DeleteMeSoftDeletesAndKeepsNamesReserved) {
  auto t = signUp("del1");
  json wrong = {{"password", "nope nope nope"}};
  expectProblem(send("DELETE", "/v1/users/me", &wrong, bearer(t)), 401, "invalid_credentials");
  json right = {{"password", kPassword}};
  EXPECT_EQ(send("DELETE", "/v1/users/me", &right, bearer(t)).status, 204);
  expectProblem(send("GET", "/v1/users/me", nullptr, bearer(t)), 401, "unauthorized");
  expectProblem(http_.postJson("/v1/auth/login", {{"username", "del1"}, {"password", kPassword}}), 401,
                "invalid_credentials");
  json refresh = {{"refresh_token", t.at("refresh_token")}};
  expectProblem(send("POST", "/v1/auth/refresh", &refresh, {}), 401, "refresh_token_invalid");
  auto again = http_.postJson("/v1/auth/register",
                              {{"email", "DEL1@example.com"}, {"username", "other1"}, {"password", kPassword}});
  expectProblem(again, 409, "email_taken");
  auto admin = makeAdmin("deladmin");
  expectProblem(send("GET", "/v1/admin/users/" + t.at("user").at("id").get<std::string>(), nullptr, bearer(admin)),
                404, "not_found");
}

TEST_F(ContractTest, EventsListTheCallersOwnNewestFirst) {
  auto t = signUp("events1");
  http_.postJson("/v1/auth/login", {{"username", "events1"}, {"password", "wrong password"}});
  logIn("events1");
  auto r = send("GET", "/v1/auth/events?limit=2", nullptr, bearer(t));
  ASSERT_EQ(r.status, 200) << r.body;
  const auto page = r.json();
  ASSERT_EQ(page.at("events").size(), 2u);
  EXPECT_EQ(page.at("events")[0].at("type"), "login_succeeded");
  EXPECT_EQ(page.at("events")[1].at("type"), "login_failed");
  for (const char* k : {"id", "type", "at", "ip", "user_agent"}) EXPECT_TRUE(page.at("events")[0].contains(k));
  ASSERT_TRUE(page.at("next_cursor").is_string());
  auto rest = send("GET", "/v1/auth/events?limit=2&cursor=" + page.at("next_cursor").get<std::string>(),
                   nullptr, bearer(t));
  ASSERT_EQ(rest.status, 200);
  ASSERT_EQ(rest.json().at("events").size(), 1u);
  EXPECT_EQ(rest.json().at("events")[0].at("type"), "register");
  EXPECT_EQ(rest.json().at("next_cursor"), nullptr);
  expectProblem(send("GET", "/v1/auth/events?limit=0", nullptr, bearer(t)), 422, "validation_failed");
  expectProblem(send("GET", "/v1/auth/events?cursor=zzz", nullptr, bearer(t)), 422, "validation_failed");
}

TEST_F(ContractTest, AdminRoutesNeedTheAdminRole) {
  auto user = signUp("plain1");
  const std::string id = user.at("user").at("id");
  expectProblem(send("GET", "/v1/admin/users", nullptr, bearer(user)), 403, "forbidden");
  expectProblem(send("GET", "/v1/admin/users/" + id, nullptr, bearer(user)), 403, "forbidden");
  expectProblem(send("PUT", "/v1/admin/users/" + id + "/roles/admin", nullptr, bearer(user)), 403, "forbidden");
  expectProblem(send("DELETE", "/v1/admin/users/" + id + "/roles/admin", nullptr, bearer(user)), 403, "forbidden");
}

TEST_F(ContractTest, AdminListsPagesAndFilters) {
  auto admin = makeAdmin("zadmin");
  for (const char* n : {"qq_one", "qq_two", "qq_three"}) signUp(n);
  auto first = send("GET", "/v1/admin/users?limit=2&q=QQ_", nullptr, bearer(admin));
  ASSERT_EQ(first.status, 200) << first.body;
  auto page = first.json();
  ASSERT_EQ(page.at("users").size(), 2u);
  EXPECT_EQ(page.at("users")[0].at("username"), "qq_three");  // newest first
  EXPECT_EQ(page.at("users")[1].at("username"), "qq_two");
  ASSERT_TRUE(page.at("next_cursor").is_string());
  auto second = send("GET", "/v1/admin/users?limit=2&q=qq_&cursor=" + page.at("next_cursor").get<std::string>(),
                     nullptr, bearer(admin));
  ASSERT_EQ(second.status, 200);
  ASSERT_EQ(second.json().at("users").size(), 1u);
  EXPECT_EQ(second.json().at("users")[0].at("username"), "qq_one");
  EXPECT_EQ(second.json().at("next_cursor"), nullptr);
  // '_' is a literal, not a wildcard: "qq%" matches nobody.
  EXPECT_EQ(send("GET", "/v1/admin/users?q=qq%25", nullptr, bearer(admin)).json().at("users").size(), 0u);
  expectProblem(send("GET", "/v1/admin/users?limit=101", nullptr, bearer(admin)), 422, "validation_failed");
  expectProblem(send("GET", "/v1/admin/users?cursor=bad", nullptr, bearer(admin)), 422, "validation_failed");
}

TEST_F(ContractTest, AdminGetsUsersAndChangesRoles) {
  auto admin = makeAdmin("roleadmin");
  auto user = signUp("roled1");
  const std::string id = user.at("user").at("id");
  auto got = send("GET", "/v1/admin/users/" + id, nullptr, bearer(admin));
  ASSERT_EQ(got.status, 200);
  EXPECT_EQ(got.json(), user.at("user"));
  expectProblem(send("GET", "/v1/admin/users/not-a-uuid", nullptr, bearer(admin)), 404, "not_found");
  expectProblem(send("GET", "/v1/admin/users/00000000-0000-7000-8000-000000000000", nullptr, bearer(admin)), 404, "not_found");
  EXPECT_EQ(send("PUT", "/v1/admin/users/" + id + "/roles/admin", nullptr, bearer(admin)).status, 204);
  EXPECT_EQ(send("PUT", "/v1/admin/users/" + id + "/roles/admin", nullptr, bearer(admin)).status, 204);
  EXPECT_EQ(send("GET", "/v1/users/me", nullptr, bearer(user)).json().at("roles"), json::array({"admin", "user"}));
  EXPECT_EQ(send("DELETE", "/v1/admin/users/" + id + "/roles/admin", nullptr, bearer(admin)).status, 204);
  EXPECT_EQ(send("GET", "/v1/users/me", nullptr, bearer(user)).json().at("roles"), json::array({"user"}));
  expectProblem(send("PUT", "/v1/admin/users/" + id + "/roles/wizard", nullptr, bearer(admin)), 404, "not_found");
  expectProblem(send("PUT", "/v1/admin/users/00000000-0000-7000-8000-000000000000/roles/admin", nullptr, bearer(admin)), 404, "not_found");
}

TEST_F(ContractTest, GrantRoleCommandWorksAndFailsClearly) {
  signUp("cli1");
  std::string out;
  EXPECT_EQ(runAuthd({"grant-role", "CLI1@example.com", "admin"}, database_->url(), &out), 0) << out;
  EXPECT_NE(runAuthd({"grant-role", "nobody@example.com", "admin"}, database_->url(), &out), 0);
  EXPECT_NE(runAuthd({"grant-role", "cli1@example.com", "wizard"}, database_->url(), &out), 0);
  auto t = logIn("cli1");
  EXPECT_EQ(t.at("user").at("roles"), json::array({"admin", "user"}));
  bool audited = false;
  const json events = send("GET", "/v1/auth/events", nullptr, bearer(t)).json();
  for (const auto& e : events.at("events")) {
    audited = audited || (e.at("type") == "role_granted" && e.at("user_agent") == "authd-cli");
  }
  EXPECT_TRUE(audited) << events.dump();
}

TEST_F(ContractTest, DiscoveryDocumentsPointAtTheEndpoints) {
  auto r = http_.get("/.well-known/openid-configuration");
  ASSERT_EQ(r.status, 200);
  const auto j = r.json();
  EXPECT_EQ(j.at("issuer"), "http://127.0.0.1:8080");
  EXPECT_EQ(j.at("jwks_uri"), "http://127.0.0.1:8080/.well-known/jwks.json");
  EXPECT_EQ(j.at("token_endpoint"), "http://127.0.0.1:8080/v1/auth/refresh");
  EXPECT_EQ(j.at("introspection_endpoint"), "http://127.0.0.1:8080/v1/auth/introspect");
  EXPECT_EQ(j.at("revocation_endpoint"), "http://127.0.0.1:8080/v1/auth/revoke");
  EXPECT_EQ(j.at("token_endpoint_auth_methods_supported"), json::array({"none"}));
}

TEST_F(ContractTest, HealthReadinessAndMetrics) {
  EXPECT_EQ(http_.get("/healthz").json(), json({{"status", "ok"}}));
  auto ready = http_.get("/readyz");
  EXPECT_EQ(ready.status, 200);
  http_.postJson("/v1/auth/login", {{"username", "nobody-here"}, {"password", "whatever it is"}});
  http_.get("/v1/users/12345/whatever");
  auto m = http_.get("/metrics");
  ASSERT_EQ(m.status, 200);
  EXPECT_NE(m.header("content-type").find("text/plain"), std::string::npos);
  EXPECT_NE(m.body.find("authd_http_requests_total{route=\"/healthz\",method=\"GET\",status=\"200\"}"), std::string::npos);
  EXPECT_NE(m.body.find("authd_http_request_duration_seconds_bucket{route=\"/v1/auth/login\",le=\"+Inf\"}"), std::string::npos);
  EXPECT_NE(m.body.find("authd_login_failures_total "), std::string::npos);
  EXPECT_NE(m.body.find("authd_refresh_token_reuse_total "), std::string::npos);
  EXPECT_NE(m.body.find("authd_db_pool_in_use "), std::string::npos);
  EXPECT_EQ(m.body.find("12345"), std::string::npos);  // route templates, never raw paths
  EXPECT_NE(m.body.find("route=\"unmatched\""), std::string::npos);
}

TEST_F(ContractTest, UnknownRoutesAre404AndWrongMethods405WithAllow) {
  expectProblem(http_.get("/nope"), 404, "not_found");
  auto r = http_.request("GET", "/v1/auth/login", nullptr, {});
  expectProblem(r, 405, "method_not_allowed");
  EXPECT_EQ(r.header("allow"), "POST");
  auto me = http_.request("PUT", "/v1/users/me", nullptr, {});
  expectProblem(me, 405, "method_not_allowed");
  EXPECT_EQ(me.header("allow"), "GET, PATCH, DELETE");
}

TEST_F(ContractTest, TwentyParallelRefreshesAcrossTenSessionsAllYieldWorkingTokens) {
  signUp("conc1");
  std::vector<json> sessions;
  for (int i = 0; i < 9; ++i) sessions.push_back(logIn("conc1"));
  sessions.push_back(logIn("conc1"));  // the 11th session evicts the registration's: 10 remain
  std::vector<std::string> results(20);
  std::vector<long> statuses(20);
  std::vector<std::thread> threads;
  std::atomic<bool> go{false};
  for (int i = 0; i < 20; ++i) {
    threads.emplace_back([&, i] {
      while (!go.load()) std::this_thread::yield();
      HttpClient client(server_->baseUrl());
      auto r = client.postJson("/v1/auth/refresh", {{"refresh_token", sessions[i % 10].at("refresh_token")}});
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
  auto me = logIn("conc1");
  auto list = send("GET", "/v1/auth/sessions", nullptr, bearer(me)).json();
  EXPECT_EQ(list.at("sessions").size(), 10u);
}

}  // namespace
}  // namespace authd::testing
