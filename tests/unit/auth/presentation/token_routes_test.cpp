// Register, login, refresh, logout, logout-all, revoke and introspect: status and body mapping.
#include "route_test.hpp"

namespace authd::testing {
namespace {

using nlohmann::json;

class TokenRoutesTest : public RouteTest {};

TEST_F(TokenRoutesTest, RegisterAnswersTheGrantAndStoresTheUser) {
  auto r = api_.http().postJson("/v1/auth/register", {{"email", "Ann@Example.com"},
                                                      {"username", "ann"},
                                                      {"password", ApiClient::kPassword},
                                                      {"display_name", "Ann"}});
  expectGrant(r, 201);
  const auto user = r.json().at("user");
  EXPECT_EQ(user.at("email"), "ann@example.com");
  EXPECT_EQ(user.at("display_name"), "Ann");
  EXPECT_EQ(user.at("roles"), json::array({"user"}));
  const auto* stored = server_.users().row(*Uuid::parse(user.at("id").get<std::string>()));
  ASSERT_NE(stored, nullptr);
  EXPECT_EQ(stored->sessions().size(), 1u);
}

TEST_F(TokenRoutesTest, RegisterMapsEveryBadFieldAndTakenValues) {
  auto bad = api_.http().postJson("/v1/auth/register",
                                  {{"email", "nope"}, {"username", 7}, {"password", "short"}});
  expectProblem(bad, 422, "validation_failed");
  std::set<std::string> fields;
  const auto problem = bad.json();
  for (const auto& e : problem.at("errors")) fields.insert(e.at("field").get<std::string>());
  EXPECT_EQ(fields, (std::set<std::string>{"email", "username", "password"})) << bad.body;
  api_.signUp("bob");
  expectProblem(api_.http().postJson("/v1/auth/register", {{"email", "BOB@example.com"},
                                                           {"username", "bob2"},
                                                           {"password", ApiClient::kPassword}}),
                409, "email_taken");
  expectProblem(api_.http().postJson("/v1/auth/register", {{"email", "bob2@example.com"},
                                                           {"username", "Bob"},
                                                           {"password", ApiClient::kPassword}}),
                409, "username_taken");
}

TEST_F(TokenRoutesTest, LoginByEmailOrUsernameAndOneAnswerForEveryFailure) {
  api_.signUp("cat");
  expectGrant(api_.http().postJson("/v1/auth/login", {{"email", "cat@example.com"},
                                                      {"password", ApiClient::kPassword}}),
              200);
  expectGrant(api_.http().postJson("/v1/auth/login",
                                   {{"username", "cat"}, {"password", ApiClient::kPassword}}),
              200);
  expectProblem(
      api_.http().postJson("/v1/auth/login", {{"username", "cat"}, {"password", "wrong"}}), 401,
      "invalid_credentials");
  expectProblem(api_.http().postJson("/v1/auth/login", {{"username", "nobody"}, {"password", "x"}}),
                401, "invalid_credentials");
  expectProblem(api_.http().postJson("/v1/auth/login", {{"password", "x"}}), 422,
                "validation_failed");
}

TEST_F(TokenRoutesTest, RefreshRotatesAndAReplayAfterTheGraceWindowIsReuse) {
  const auto first = api_.signUp("dan");
  const json old_token = {{"refresh_token", first.at("refresh_token")}};
  auto rotated = api_.http().postJson("/v1/auth/refresh", old_token);
  expectGrant(rotated, 200);
  EXPECT_NE(rotated.json().at("refresh_token"), first.at("refresh_token"));
  server_.clock().advance(std::chrono::seconds(11));  // past the 10 s grace
  expectProblem(api_.http().postJson("/v1/auth/refresh", old_token), 401, "refresh_token_reused");
  // Reuse revoked the session: the rotated token is dead too.
  expectProblem(api_.http().postJson("/v1/auth/refresh",
                                     {{"refresh_token", rotated.json().at("refresh_token")}}),
                401, "refresh_token_invalid");
  expectProblem(api_.http().postJson("/v1/auth/refresh", {{"refresh_token", "garbage"}}), 401,
                "refresh_token_invalid");
}

TEST_F(TokenRoutesTest, LogoutEndsOneSessionAndLogoutAllEveryOne) {
  const auto a = api_.signUp("eve");
  const auto b = api_.logIn("eve");
  auto out = api_.http().postJson("/v1/auth/logout", {{"refresh_token", a.at("refresh_token")}});
  EXPECT_EQ(out.status, 204) << out.body;
  EXPECT_EQ(api_.http().postJson("/v1/auth/logout", {{"refresh_token", "unknown"}}).status, 204);
  expectProblem(
      api_.http().postJson("/v1/auth/refresh", {{"refresh_token", a.at("refresh_token")}}), 401,
      "refresh_token_invalid");
  EXPECT_EQ(api_.send("POST", "/v1/auth/logout-all", nullptr, ApiClient::bearer(b)).status, 204);
  expectProblem(api_.send("GET", "/v1/users/me", nullptr, ApiClient::bearer(b)), 401,
                "unauthorized");
}

TEST_F(TokenRoutesTest, RevokeAnswersTheSameForAnyTokenAndIntrospectFollowsTheSession) {
  const auto t = api_.signUp("fay");
  const json access = {{"token", t.at("access_token")}};
  auto active = api_.http().postJson("/v1/auth/introspect", access);
  ASSERT_EQ(active.status, 200) << active.body;
  EXPECT_EQ(active.json().at("active"), true);
  EXPECT_EQ(active.json().at("sub"), t.at("user").at("id"));
  EXPECT_EQ(active.json().at("token_type"), "access_token");
  auto revoke =
      api_.http().post("/v1/auth/revoke", "token=" + t.at("refresh_token").get<std::string>(),
                       "application/x-www-form-urlencoded");
  EXPECT_EQ(revoke.status, 200) << revoke.body;
  EXPECT_EQ(revoke.body, "{}");
  EXPECT_EQ(api_.http().postJson("/v1/auth/revoke", {{"token", "not-ours"}}).status, 200);
  auto inactive = api_.http().postJson("/v1/auth/introspect", access);
  EXPECT_EQ(inactive.json(), (json{{"active", false}}));
}

}  // namespace
}  // namespace authd::testing
