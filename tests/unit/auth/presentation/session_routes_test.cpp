// The caller's sessions and security events: status and body mapping.
#include "route_test.hpp"

namespace authd::testing {
namespace {

using nlohmann::json;

class SessionRoutesTest : public RouteTest {};

TEST_F(SessionRoutesTest, ListsLiveSessionsNewestFirstMarkingTheCurrentOne) {
  const auto first = api_.signUp("gus");
  server_.clock().advance(std::chrono::seconds(1));
  const auto second = api_.logIn("gus");
  auto r = api_.send("GET", "/v1/auth/sessions", nullptr, ApiClient::bearer(first));
  ASSERT_EQ(r.status, 200) << r.body;
  const auto sessions = r.json().at("sessions");
  ASSERT_EQ(sessions.size(), 2u);
  EXPECT_EQ(sessions[0].at("current"), false);  // the newer login
  EXPECT_EQ(sessions[1].at("current"), true);
  for (const auto& s : sessions) {
    for (const char* field :
         {"id", "created_at", "last_used_at", "expires_at", "user_agent", "ip"}) {
      EXPECT_TRUE(s.contains(field)) << field << " missing in " << s.dump();
    }
    EXPECT_FALSE(s.contains("token_digest"));
  }
}

TEST_F(SessionRoutesTest, DeletesOneOfTheCallersSessionsOnly) {
  const auto mine = api_.signUp("hal");
  const auto other = api_.logIn("hal");
  const auto stranger = api_.signUp("ida");
  const auto sessions =
      api_.send("GET", "/v1/auth/sessions", nullptr, ApiClient::bearer(mine)).json().at("sessions");
  std::string other_id;
  for (const auto& s : sessions) {
    if (s.at("current") == false) other_id = s.at("id").get<std::string>();
  }
  ASSERT_FALSE(other_id.empty());
  expectProblem(
      api_.send("DELETE", "/v1/auth/sessions/" + other_id, nullptr, ApiClient::bearer(stranger)),
      404, "not_found");
  expectProblem(
      api_.send("DELETE", "/v1/auth/sessions/not-a-uuid", nullptr, ApiClient::bearer(mine)), 404,
      "not_found");
  EXPECT_EQ(
      api_.send("DELETE", "/v1/auth/sessions/" + other_id, nullptr, ApiClient::bearer(mine)).status,
      204);
  expectProblem(api_.send("GET", "/v1/users/me", nullptr, ApiClient::bearer(other)), 401,
                "unauthorized");
}

TEST_F(SessionRoutesTest, EventsArePagedNewestFirstWithACursor) {
  const auto t = api_.signUp("jon");
  server_.clock().advance(std::chrono::seconds(1));
  api_.logIn("jon");
  auto page = api_.send("GET", "/v1/auth/events?limit=1", nullptr, ApiClient::bearer(t));
  ASSERT_EQ(page.status, 200) << page.body;
  ASSERT_EQ(page.json().at("events").size(), 1u);
  EXPECT_EQ(page.json().at("events")[0].at("type"), "login_succeeded");
  const auto cursor = page.json().at("next_cursor").get<std::string>();
  auto next =
      api_.send("GET", "/v1/auth/events?limit=1&cursor=" + cursor, nullptr, ApiClient::bearer(t));
  ASSERT_EQ(next.status, 200) << next.body;
  EXPECT_EQ(next.json().at("events")[0].at("type"), "register");
  EXPECT_TRUE(next.json().at("next_cursor").is_null());
  expectProblem(api_.send("GET", "/v1/auth/events?limit=0", nullptr, ApiClient::bearer(t)), 422,
                "validation_failed");
}

}  // namespace
}  // namespace authd::testing
