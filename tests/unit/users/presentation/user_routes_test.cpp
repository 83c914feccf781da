// GET/PATCH /v1/users/me and the admin routes: status and body mapping.
#include "route_test.hpp"

namespace authd::testing {
namespace {

using nlohmann::json;

class UserRoutesTest : public RouteTest {};

TEST_F(UserRoutesTest, MeIsTheCallersUserInTheContractShape) {
  const auto t = api_.signUp("ola");
  auto r = api_.send("GET", "/v1/users/me", nullptr, ApiClient::bearer(t));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json(), t.at("user"));
  std::set<std::string> keys;
  const auto user = r.json();
  for (const auto& item : user.items()) keys.insert(item.key());
  EXPECT_EQ(keys,
            (std::set<std::string>{"id", "email", "username", "display_name", "email_verified",
                                   "mfa_enabled", "roles", "created_at", "updated_at"}));
  expectProblem(api_.send("GET", "/v1/users/me", nullptr, {}), 401, "unauthorized");
}

TEST_F(UserRoutesTest, PatchMeChangesWhatIsGivenAndMapsErrors) {
  const auto t = api_.signUp("pam");
  api_.signUp("taken");
  const json change = {{"display_name", "Pam P."}, {"username", "PamP"}};
  auto r = api_.send("PATCH", "/v1/users/me", &change, ApiClient::bearer(t));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json().at("username"), "pamp");
  EXPECT_EQ(r.json().at("display_name"), "Pam P.");
  const json clear = {{"display_name", nullptr}};
  EXPECT_TRUE(api_.send("PATCH", "/v1/users/me", &clear, ApiClient::bearer(t))
                  .json()
                  .at("display_name")
                  .is_null());
  const json taken = {{"username", "Taken"}};
  expectProblem(api_.send("PATCH", "/v1/users/me", &taken, ApiClient::bearer(t)), 409,
                "username_taken");
  const json null_name = {{"username", nullptr}};
  expectProblem(api_.send("PATCH", "/v1/users/me", &null_name, ApiClient::bearer(t)), 422,
                "validation_failed");
}

TEST_F(UserRoutesTest, AdminRoutesNeedTheAdminRole) {
  const auto user = api_.signUp("quin");
  for (const auto& [method, path] : std::vector<std::pair<std::string, std::string>>{
           {"GET", "/v1/admin/users"},
           {"GET", "/v1/admin/users/" + user.at("user").at("id").get<std::string>()},
           {"PUT", "/v1/admin/users/x/roles/admin"},
           {"DELETE", "/v1/admin/users/x/roles/admin"}}) {
    expectProblem(api_.send(method, path, nullptr, ApiClient::bearer(user)), 403, "forbidden");
  }
}

TEST_F(UserRoutesTest, AdminListsGetsAndChangesRoles) {
  const auto admin = makeAdmin("root");
  const auto user = api_.signUp("rita");
  const auto id = user.at("user").at("id").get<std::string>();
  auto list = api_.send("GET", "/v1/admin/users?q=RI&limit=5", nullptr, ApiClient::bearer(admin));
  ASSERT_EQ(list.status, 200) << list.body;
  ASSERT_EQ(list.json().at("users").size(), 1u);
  EXPECT_EQ(list.json().at("users")[0].at("id"), id);
  EXPECT_TRUE(list.json().at("next_cursor").is_null());
  EXPECT_EQ(api_.send("GET", "/v1/admin/users/" + id, nullptr, ApiClient::bearer(admin)).json(),
            user.at("user"));
  expectProblem(
      api_.send("GET", "/v1/admin/users/" + Uuid().toString(), nullptr, ApiClient::bearer(admin)),
      404, "not_found");
  EXPECT_EQ(
      api_.send("PUT", "/v1/admin/users/" + id + "/roles/admin", nullptr, ApiClient::bearer(admin))
          .status,
      204);
  EXPECT_EQ(api_.send("GET", "/v1/admin/users/" + id, nullptr, ApiClient::bearer(admin))
                .json()
                .at("roles"),
            json::array({"admin", "user"}));
  expectProblem(api_.send("PUT", "/v1/admin/users/" + id + "/roles/wizard", nullptr,
                          ApiClient::bearer(admin)),
                404, "not_found");
  EXPECT_EQ(api_.send("DELETE", "/v1/admin/users/" + id + "/roles/admin", nullptr,
                      ApiClient::bearer(admin))
                .status,
            204);
}

// Contract: a NUL or invalid UTF-8 in a path value is 422 invalid_format for that field, each
// bad one named; a value that is merely unknown (not a UUID, no such role) stays 404.
TEST_F(UserRoutesTest, APathValueWithANulOrInvalidUtf8IsInvalidFormatNamingTheField) {
  const auto admin = makeAdmin("root");
  const auto id = api_.signUp("vera").at("user").at("id").get<std::string>();
  auto both =
      api_.send("PUT", "/v1/admin/users/ab%00cd/roles/ad%FFmin", nullptr, ApiClient::bearer(admin));
  expectProblem(both, 422, "validation_failed");
  const json problem = both.json();  // held: the loop below must not outlive it
  std::map<std::string, std::string> fields;
  for (const auto& e : problem.at("errors")) fields[e.at("field")] = e.at("code");
  EXPECT_EQ(fields, (std::map<std::string, std::string>{{"id", "invalid_format"},
                                                        {"role", "invalid_format"}}));
  auto role = api_.send("DELETE", "/v1/admin/users/" + id + "/roles/%C3%28", nullptr,
                        ApiClient::bearer(admin));
  expectProblem(role, 422, "validation_failed");
  ASSERT_EQ(role.json().at("errors").size(), 1u);
  EXPECT_EQ(role.json().at("errors")[0].at("field"), "role");
  expectProblem(api_.send("GET", "/v1/admin/users/not-a-uuid", nullptr, ApiClient::bearer(admin)),
                404, "not_found");
  expectProblem(api_.send("PUT", "/v1/admin/users/" + id + "/roles/ad%20min", nullptr,
                          ApiClient::bearer(admin)),
                404, "not_found");
  // The user is untouched by the refused calls.
  EXPECT_EQ(api_.send("GET", "/v1/admin/users/" + id, nullptr, ApiClient::bearer(admin))
                .json()
                .at("roles"),
            json::array({"user"}));
}

// Issue 12, finding 6: authd's own routes read roles from the database, so a demoted admin's
// still-valid token is refused at once.
TEST_F(UserRoutesTest, ARemovedRoleIsRefusedAtOnceDespiteTheTokensClaim) {
  const auto admin = makeAdmin("ursula");
  ASSERT_EQ(api_.send("GET", "/v1/admin/users", nullptr, ApiClient::bearer(admin)).status, 200);
  const auto id = Uuid::parse(admin.at("user").at("id").get<std::string>());
  server_.users().row(*id)->revokeRole("admin", server_.clock().now());
  expectProblem(api_.send("GET", "/v1/admin/users", nullptr, ApiClient::bearer(admin)), 403,
                "forbidden");
  auto introspected =
      api_.http().postJson("/v1/auth/introspect", {{"token", admin.at("access_token")}});
  EXPECT_EQ(introspected.json().at("roles"), json::array({"user"}));
}

}  // namespace
}  // namespace authd::testing
