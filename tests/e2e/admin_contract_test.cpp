// End to end, the admin routes, the grant-role command, discovery, health and metrics, and the
// 404/405 fallbacks: the rest of the contract suite, on its server.
#include "contract_fixture.hpp"

namespace authd::testing {
namespace {

using nlohmann::json;

TEST_F(ContractTest, AdminRoutesNeedTheAdminRole) {
  auto user = api_.signUp("plain1");
  const std::string id = user.at("user").at("id");
  expectProblem(api_.send("GET", "/v1/admin/users", nullptr, ApiClient::bearer(user)), 403,
                "forbidden");
  expectProblem(api_.send("GET", "/v1/admin/users/" + id, nullptr, ApiClient::bearer(user)), 403,
                "forbidden");
  expectProblem(
      api_.send("PUT", "/v1/admin/users/" + id + "/roles/admin", nullptr, ApiClient::bearer(user)),
      403, "forbidden");
  expectProblem(api_.send("DELETE", "/v1/admin/users/" + id + "/roles/admin", nullptr,
                          ApiClient::bearer(user)),
                403, "forbidden");
}

TEST_F(ContractTest, AdminListsPagesAndFilters) {
  auto admin = makeAdmin("zadmin");
  for (const char* n : {"qq_one", "qq_two", "qq_three"}) api_.signUp(n);
  auto first = api_.send("GET", "/v1/admin/users?limit=2&q=QQ_", nullptr, ApiClient::bearer(admin));
  ASSERT_EQ(first.status, 200) << first.body;
  auto page = first.json();
  ASSERT_EQ(page.at("users").size(), 2u);
  EXPECT_EQ(page.at("users")[0].at("username"), "qq_three");  // newest first
  EXPECT_EQ(page.at("users")[1].at("username"), "qq_two");
  ASSERT_TRUE(page.at("next_cursor").is_string());
  auto second = api_.send(
      "GET", "/v1/admin/users?limit=2&q=qq_&cursor=" + page.at("next_cursor").get<std::string>(),
      nullptr, ApiClient::bearer(admin));
  ASSERT_EQ(second.status, 200);
  ASSERT_EQ(second.json().at("users").size(), 1u);
  EXPECT_EQ(second.json().at("users")[0].at("username"), "qq_one");
  EXPECT_EQ(second.json().at("next_cursor"), nullptr);
  // '_' is a literal, not a wildcard: "qq%" matches nobody.
  EXPECT_EQ(api_.send("GET", "/v1/admin/users?q=qq%25", nullptr, ApiClient::bearer(admin))
                .json()
                .at("users")
                .size(),
            0u);
  expectProblem(api_.send("GET", "/v1/admin/users?limit=101", nullptr, ApiClient::bearer(admin)),
                422, "validation_failed");
  expectProblem(api_.send("GET", "/v1/admin/users?cursor=bad", nullptr, ApiClient::bearer(admin)),
                422, "validation_failed");
}

TEST_F(ContractTest, AdminGetsUsersAndChangesRoles) {
  auto admin = makeAdmin("roleadmin");
  auto user = api_.signUp("roled1");
  const std::string id = user.at("user").at("id");
  auto got = api_.send("GET", "/v1/admin/users/" + id, nullptr, ApiClient::bearer(admin));
  ASSERT_EQ(got.status, 200);
  EXPECT_EQ(got.json(), user.at("user"));
  expectProblem(api_.send("GET", "/v1/admin/users/not-a-uuid", nullptr, ApiClient::bearer(admin)),
                404, "not_found");
  expectProblem(api_.send("GET", "/v1/admin/users/00000000-0000-7000-8000-000000000000", nullptr,
                          ApiClient::bearer(admin)),
                404, "not_found");
  EXPECT_EQ(
      api_.send("PUT", "/v1/admin/users/" + id + "/roles/admin", nullptr, ApiClient::bearer(admin))
          .status,
      204);
  EXPECT_EQ(
      api_.send("PUT", "/v1/admin/users/" + id + "/roles/admin", nullptr, ApiClient::bearer(admin))
          .status,
      204);
  EXPECT_EQ(api_.send("GET", "/v1/users/me", nullptr, ApiClient::bearer(user)).json().at("roles"),
            json::array({"admin", "user"}));
  EXPECT_EQ(api_.send("DELETE", "/v1/admin/users/" + id + "/roles/admin", nullptr,
                      ApiClient::bearer(admin))
                .status,
            204);
  EXPECT_EQ(api_.send("GET", "/v1/users/me", nullptr, ApiClient::bearer(user)).json().at("roles"),
            json::array({"user"}));
  expectProblem(api_.send("PUT", "/v1/admin/users/" + id + "/roles/wizard", nullptr,
                          ApiClient::bearer(admin)),
                404, "not_found");
  expectProblem(api_.send("PUT", "/v1/admin/users/00000000-0000-7000-8000-000000000000/roles/admin",
                          nullptr, ApiClient::bearer(admin)),
                404, "not_found");
}

// The routes the admin console adds (contract, "Hosted pages").
TEST_F(ContractTest, AdminSeesAndEndsAnotherAccountsSessionsEventsAndAccount) {
  auto admin = makeAdmin("consoleadmin");
  auto user = api_.signUp("consoled1");
  api_.logIn("consoled1");  // a second session
  const std::string id = user.at("user").at("id");
  const std::string base = "/v1/admin/users/" + id;
  // Not for the user themself.
  for (const auto& [method, path] :
       std::vector<std::pair<std::string, std::string>>{{"GET", base + "/sessions"},
                                                        {"DELETE", base + "/sessions"},
                                                        {"GET", base + "/events"},
                                                        {"DELETE", base}}) {
    expectProblem(api_.send(method, path, nullptr, ApiClient::bearer(user)), 403, "forbidden");
    expectProblem(api_.send(method, path, nullptr, {}), 401, "unauthorized");
    expectProblem(
        api_.send(method,
                  "/v1/admin/users/00000000-0000-7000-8000-000000000000" + path.substr(base.size()),
                  nullptr, ApiClient::bearer(admin)),
        404, "not_found");
  }
  auto sessions = api_.send("GET", base + "/sessions", nullptr, ApiClient::bearer(admin));
  ASSERT_EQ(sessions.status, 200) << sessions.body;
  EXPECT_EQ(sessions.json().at("sessions").size(), 2u);
  EXPECT_EQ(sessions.json().at("sessions")[0].at("current"), false);
  auto events = api_.send("GET", base + "/events?limit=1", nullptr, ApiClient::bearer(admin));
  ASSERT_EQ(events.status, 200) << events.body;
  EXPECT_EQ(events.json().at("events").size(), 1u);
  EXPECT_EQ(events.json().at("events")[0].at("type"), "login_succeeded");
  EXPECT_FALSE(events.json().at("next_cursor").is_null());
  expectProblem(api_.send("GET", base + "/events?limit=0", nullptr, ApiClient::bearer(admin)), 422,
                "validation_failed");

  ASSERT_EQ(api_.send("DELETE", base + "/sessions", nullptr, ApiClient::bearer(admin)).status, 204);
  expectProblem(api_.send("GET", "/v1/users/me", nullptr, ApiClient::bearer(user)), 401,
                "unauthorized");
  EXPECT_EQ(api_.send("GET", base + "/sessions", nullptr, ApiClient::bearer(admin))
                .json()
                .at("sessions")
                .size(),
            0u);

  ASSERT_EQ(api_.send("DELETE", base, nullptr, ApiClient::bearer(admin)).status, 204);
  expectProblem(api_.send("GET", base, nullptr, ApiClient::bearer(admin)), 404, "not_found");
  expectProblem(api_.send("DELETE", base, nullptr, ApiClient::bearer(admin)), 404, "not_found");
  const json again = {{"username", "consoled1"}, {"password", kPassword}};
  expectProblem(api_.send("POST", "/v1/auth/login", &again), 401, "invalid_credentials");
}

TEST_F(ContractTest, GrantRoleCommandWorksAndFailsClearly) {
  api_.signUp("cli1");
  std::string out;
  EXPECT_EQ(runAuthd({"grant-role", "CLI1@example.com", "admin"}, database_->url(), &out), 0)
      << out;
  EXPECT_NE(runAuthd({"grant-role", "nobody@example.com", "admin"}, database_->url(), &out), 0);
  EXPECT_NE(runAuthd({"grant-role", "cli1@example.com", "wizard"}, database_->url(), &out), 0);
  auto t = api_.logIn("cli1");
  EXPECT_EQ(t.at("user").at("roles"), json::array({"admin", "user"}));
  bool audited = false;
  const json events = api_.send("GET", "/v1/auth/events", nullptr, ApiClient::bearer(t)).json();
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
  EXPECT_NE(
      m.body.find("authd_http_requests_total{route=\"/healthz\",method=\"GET\",status=\"200\"}"),
      std::string::npos);
  EXPECT_NE(m.body.find(
                "authd_http_request_duration_seconds_bucket{route=\"/v1/auth/login\",le=\"+Inf\"}"),
            std::string::npos);
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

}  // namespace
}  // namespace authd::testing
