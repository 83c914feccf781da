// Password change, account deletion, email verification and password reset: status and body
// mapping.
#include "route_test.hpp"

namespace authd::testing {
namespace {

using nlohmann::json;

class AccountRoutesTest : public RouteTest {
 protected:
  // The token in the newest mail (the templates put it after the username).
  std::string tokenFromLastMail() {
    const auto mails = outbox();
    if (mails.empty()) return "";
    const auto& text = mails.back().text;
    return text.substr(text.find(' ') + 1);
  }
};

TEST_F(AccountRoutesTest, ChangePasswordNeedsTheCurrentOneAndKeepsOnlyThisSession) {
  const auto t = api_.signUp("kim");
  const auto other = api_.logIn("kim");
  const json wrong = {{"current_password", "not it"}, {"new_password", "a brand new passphrase"}};
  expectProblem(api_.send("POST", "/v1/users/me/password", &wrong, ApiClient::bearer(t)), 401,
                "invalid_credentials");
  const json right = {{"current_password", ApiClient::kPassword},
                      {"new_password", "a brand new passphrase"}};
  EXPECT_EQ(api_.send("POST", "/v1/users/me/password", &right, ApiClient::bearer(t)).status, 204);
  ASSERT_EQ(outbox().size(), 1u);  // the notice to the owner
  EXPECT_EQ(outbox().back().to, "kim@example.com");
  EXPECT_NE(outbox().back().text.find("kim notice "), std::string::npos);
  EXPECT_EQ(api_.send("GET", "/v1/users/me", nullptr, ApiClient::bearer(t)).status, 200);
  expectProblem(api_.send("GET", "/v1/users/me", nullptr, ApiClient::bearer(other)), 401,
                "unauthorized");
  EXPECT_EQ(
      api_.http()
          .postJson("/v1/auth/login", {{"username", "kim"}, {"password", "a brand new passphrase"}})
          .status,
      200);
}

TEST_F(AccountRoutesTest, DeleteMeNeedsThePasswordAndFreesNothing) {
  const auto t = api_.signUp("lea");
  const json wrong = {{"password", "nope"}};
  expectProblem(api_.send("DELETE", "/v1/users/me", &wrong, ApiClient::bearer(t)), 401,
                "invalid_credentials");
  const json right = {{"password", ApiClient::kPassword}};
  EXPECT_EQ(api_.send("DELETE", "/v1/users/me", &right, ApiClient::bearer(t)).status, 204);
  expectProblem(api_.send("GET", "/v1/users/me", nullptr, ApiClient::bearer(t)), 401,
                "unauthorized");
  // Soft delete: the email stays taken.
  expectProblem(api_.http().postJson("/v1/auth/register", {{"email", "lea@example.com"},
                                                           {"username", "lea2"},
                                                           {"password", ApiClient::kPassword}}),
                409, "email_taken");
}

TEST_F(AccountRoutesTest, VerificationMailCarriesASingleUseToken) {
  const auto t = api_.signUp("max");
  EXPECT_EQ(
      api_.send("POST", "/v1/auth/verify-email/request", nullptr, ApiClient::bearer(t)).status,
      202);
  const auto token = tokenFromLastMail();
  ASSERT_FALSE(token.empty());
  EXPECT_EQ(outbox().back().to, "max@example.com");
  auto verified = api_.http().postJson("/v1/auth/verify-email", {{"token", token}});
  ASSERT_EQ(verified.status, 200) << verified.body;
  EXPECT_EQ(verified.json().at("email_verified"), true);
  EXPECT_EQ(verified.json().at("username"), "max");
  expectProblem(api_.http().postJson("/v1/auth/verify-email", {{"token", token}}), 401,
                "token_invalid");
}

TEST_F(AccountRoutesTest, ResetRequestIsAcceptedForAnyEmailAndConfirmRejectsBadTokens) {
  api_.signUp("ned");
  EXPECT_EQ(api_.http()
                .postJson("/v1/auth/password-reset/request", {{"email", "ned@example.com"}})
                .status,
            202);
  EXPECT_EQ(api_.http()
                .postJson("/v1/auth/password-reset/request", {{"email", "ghost@example.com"}})
                .status,
            202);
  {
    std::lock_guard<std::recursive_mutex> lock(server_.database().mutex);
    EXPECT_EQ(server_.database().tables.reset_requests.size(), 2u);  // mailed later, off-request
  }
  expectProblem(api_.http().postJson("/v1/auth/password-reset/confirm",
                                     {{"token", "forged"}, {"new_password", "a brand new one"}}),
                401, "token_invalid");
}

// Issue 12, finding 3: the lockout is per account (email and username together), and an
// admin can lift it.
TEST_F(AccountRoutesTest, AnAdminLiftsAnAccountsLockout) {
  const auto vic = api_.signUp("vic");
  const auto admin = makeAdmin("warden");
  for (int i = 0; i < 5; ++i) {
    const auto wrong = i % 2 ? json{{"username", "vic"}, {"password", "no"}}
                             : json{{"email", "vic@example.com"}, {"password", "no"}};
    expectProblem(api_.http().postJson("/v1/auth/login", wrong), 401, "invalid_credentials");
  }
  const json right = {{"username", "vic"}, {"password", ApiClient::kPassword}};
  expectProblem(api_.http().postJson("/v1/auth/login", right), 429, "rate_limited");
  const std::string path =
      "/v1/admin/users/" + vic.at("user").at("id").get<std::string>() + "/lockout";
  expectProblem(api_.send("DELETE", path, nullptr, ApiClient::bearer(vic)), 403, "forbidden");
  EXPECT_EQ(api_.send("DELETE", path, nullptr, ApiClient::bearer(admin)).status, 204);
  EXPECT_EQ(api_.http().postJson("/v1/auth/login", right).status, 200);
  expectProblem(api_.send("DELETE", "/v1/admin/users/" + Uuid().toString() + "/lockout", nullptr,
                          ApiClient::bearer(admin)),
                404, "not_found");
}

}  // namespace
}  // namespace authd::testing
