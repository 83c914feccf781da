// Email verification and password reset over real SMTP (aiosmtpd on loopback), end to end.
#include <gtest/gtest.h>

#include <algorithm>
#include <thread>

#include "mail_fixture.hpp"

namespace authd::testing {
namespace {

using nlohmann::json;

constexpr const char* kPassword = ApiClient::kPassword;

class AccountLifecycleE2E : public MailingServerTest {
 protected:
  static void SetUpTestSuite() {
    startServer({{"AUTH_PUBLIC_URL", "https://app.example.com"},
                 {"AUTH_MAIL_FROM", "no-reply@example.com"}});
  }
};

TEST_F(AccountLifecycleE2E, VerifyEmailThroughTheMailedLink) {
  auto t = api_.signUp("verify1");
  std::string body;
  auto req = http_.request("POST", "/v1/auth/verify-email/request", nullptr, ApiClient::bearer(t));
  ASSERT_EQ(req.status, 202) << req.body;
  const std::string mail = sink_->waitFor("verify1@example.com");
  ASSERT_FALSE(mail.empty()) << "no mail arrived";
  EXPECT_NE(mail.find("Subject: Confirm your email address"), std::string::npos);
  EXPECT_NE(mail.find("From: no-reply@example.com"), std::string::npos);
  EXPECT_NE(mail.find("text/plain"), std::string::npos);
  EXPECT_NE(mail.find("text/html"), std::string::npos);
  EXPECT_NE(mail.find("https://app.example.com/verify-email?token="), std::string::npos);
  const std::string token = tokenFromMail(mail);
  ASSERT_GE(token.size(), 43u);
  auto verified = http_.postJson("/v1/auth/verify-email", {{"token", token}});
  ASSERT_EQ(verified.status, 200) << verified.body;
  EXPECT_EQ(verified.json().at("email_verified"), true);
  EXPECT_EQ(http_.get("/v1/users/me", ApiClient::bearer(t)).json().at("email_verified"), true);
  auto again = http_.postJson("/v1/auth/verify-email", {{"token", token}});
  EXPECT_EQ(again.status, 401);
  EXPECT_EQ(again.json().at("code"), "token_invalid");
  auto events = http_.get("/v1/auth/events", ApiClient::bearer(t)).json().at("events");
  EXPECT_EQ(events[0].at("type"), "email_verified");
}

// Issue 12, finding 4: a second request within the minute answers 202 and sends nothing, and
// never ends the link already mailed.
TEST_F(AccountLifecycleE2E, ASecondRequestWithinTheMinuteSendsNothingAndKeepsTheLink) {
  auto t = api_.signUp("verify2");
  ASSERT_EQ(
      http_.request("POST", "/v1/auth/verify-email/request", nullptr, ApiClient::bearer(t)).status,
      202);
  const std::string first = tokenFromMail(sink_->waitFor("verify2@example.com", 0));
  ASSERT_FALSE(first.empty());
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(http_.request("POST", "/v1/auth/verify-email/request", nullptr, ApiClient::bearer(t))
                  .status,
              202);
  }
  EXPECT_EQ(database_->exec("SELECT 1 FROM mail_outbox WHERE recipient = 'verify2@example.com'"),
            1u);
  EXPECT_EQ(http_.postJson("/v1/auth/verify-email", {{"token", first}}).status, 200);
}

TEST_F(AccountLifecycleE2E, VerificationErrors) {
  EXPECT_EQ(http_.request("POST", "/v1/auth/verify-email/request", nullptr, {}).status, 401);
  auto unknown = http_.postJson("/v1/auth/verify-email", {{"token", std::string(43, 'A')}});
  EXPECT_EQ(unknown.status, 401);
  EXPECT_EQ(unknown.json().at("code"), "token_invalid");
  EXPECT_EQ(http_.postJson("/v1/auth/verify-email", {{"token", "!!"}}).status, 401);
  EXPECT_EQ(http_.postJson("/v1/auth/verify-email", json::object()).status, 422);
  EXPECT_EQ(http_.post("/v1/auth/verify-email", "token=x", "text/plain").status, 415);
}

TEST_F(AccountLifecycleE2E, PasswordResetThroughTheMailedLinkEndsEverySession) {
  auto t = api_.signUp("reset1");
  auto unknown =
      http_.postJson("/v1/auth/password-reset/request", {{"email", "nobody-here@example.com"}});
  EXPECT_EQ(unknown.status, 202);
  auto known = http_.postJson("/v1/auth/password-reset/request", {{"email", "RESET1@example.com"}});
  EXPECT_EQ(known.status, 202);
  EXPECT_EQ(known.body, unknown.body);  // the same answer either way
  const std::string mail = sink_->waitFor("reset1@example.com");
  ASSERT_FALSE(mail.empty()) << "no mail arrived";
  EXPECT_NE(mail.find("Subject: Reset your password"), std::string::npos);
  EXPECT_NE(mail.find("https://app.example.com/reset-password?token="), std::string::npos);
  EXPECT_EQ(sink_->countTo("nobody-here@example.com"), 0u);  // mail only for real accounts
  const std::string token = tokenFromMail(mail);
  auto weak = http_.postJson("/v1/auth/password-reset/confirm",
                             {{"token", token}, {"new_password", "short"}});
  EXPECT_EQ(weak.status, 422);
  auto done = http_.postJson("/v1/auth/password-reset/confirm",
                             {{"token", token}, {"new_password", "a brand new passphrase"}});
  ASSERT_EQ(done.status, 204) << done.body;
  EXPECT_EQ(http_.get("/v1/users/me", ApiClient::bearer(t)).status, 401);  // every session revoked
  EXPECT_EQ(http_.postJson("/v1/auth/refresh", {{"refresh_token", t.at("refresh_token")}}).status,
            401);
  EXPECT_EQ(
      http_.postJson("/v1/auth/login", {{"username", "reset1"}, {"password", kPassword}}).status,
      401);
  auto login = http_.postJson("/v1/auth/login",
                              {{"username", "reset1"}, {"password", "a brand new passphrase"}});
  ASSERT_EQ(login.status, 200);
  auto reuse = http_.postJson("/v1/auth/password-reset/confirm",
                              {{"token", token}, {"new_password", "yet another passphrase"}});
  EXPECT_EQ(reuse.status, 401);
  EXPECT_EQ(reuse.json().at("code"), "token_invalid");
  // Newest first: this login, the refused login with the old password, then the reset.
  auto events = http_.get("/v1/auth/events", ApiClient::bearer(login.json())).json().at("events");
  EXPECT_EQ(events[0].at("type"), "login_succeeded");
  EXPECT_EQ(events[1].at("type"), "login_failed");
  EXPECT_EQ(events[2].at("type"), "password_reset");
}

TEST_F(AccountLifecycleE2E, EmailChangeThroughTheLinkMailedToTheNewAddress) {
  auto t = api_.signUp("change1");
  api_.signUp("change2");
  const json taken = {{"new_email", "change2@example.com"}, {"password", kPassword}};
  expectProblem(api_.send("POST", "/v1/users/me/email", &taken, ApiClient::bearer(t)), 409,
                "email_taken");
  const json wrong = {{"new_email", "changed1@example.com"}, {"password", "not the password"}};
  expectProblem(api_.send("POST", "/v1/users/me/email", &wrong, ApiClient::bearer(t)), 401,
                "invalid_credentials");
  const json bad = {{"new_email", "nope"}, {"password", kPassword}};
  expectProblem(api_.send("POST", "/v1/users/me/email", &bad, ApiClient::bearer(t)), 422,
                "validation_failed");
  const json ok = {{"new_email", "Changed1@Example.com"}, {"password", kPassword}};
  auto requested = api_.send("POST", "/v1/users/me/email", &ok, ApiClient::bearer(t));
  ASSERT_EQ(requested.status, 202) << requested.body;
  // Nothing changes before the link is opened.
  EXPECT_EQ(http_.get("/v1/users/me", ApiClient::bearer(t)).json().at("email"),
            "change1@example.com");
  const std::string mail = sink_->waitFor("changed1@example.com");
  ASSERT_FALSE(mail.empty()) << "no mail arrived at the new address";
  EXPECT_NE(mail.find("Subject: Confirm your new email address"), std::string::npos);
  EXPECT_NE(mail.find("https://app.example.com/confirm-email?token="), std::string::npos);
  const std::string token = tokenFromMail(mail);
  auto confirmed = http_.postJson("/v1/auth/email-change/confirm", {{"token", token}});
  ASSERT_EQ(confirmed.status, 200) << confirmed.body;
  EXPECT_EQ(confirmed.json().at("email"), "changed1@example.com");
  EXPECT_EQ(confirmed.json().at("email_verified"), true);
  expectProblem(http_.postJson("/v1/auth/email-change/confirm", {{"token", token}}), 401,
                "token_invalid");
  // The old address is told, naming the new one.
  const std::string notice = sink_->waitFor("change1@example.com");
  EXPECT_NE(notice.find("Subject: Your email address was changed"), std::string::npos) << notice;
  EXPECT_NE(notice.find("changed1@example.com"), std::string::npos);
  // The new address signs in; the old one names nobody now.
  EXPECT_EQ(
      http_.postJson("/v1/auth/login", {{"email", "changed1@example.com"}, {"password", kPassword}})
          .status,
      200);
  expectProblem(
      http_.postJson("/v1/auth/login", {{"email", "change1@example.com"}, {"password", kPassword}}),
      401, "invalid_credentials");
  std::vector<std::string> types;
  const json events = http_.get("/v1/auth/events", ApiClient::bearer(t)).json();
  for (const auto& e : events.at("events")) types.push_back(e.at("type"));
  EXPECT_NE(std::find(types.begin(), types.end(), "email_change_requested"), types.end());
  EXPECT_NE(std::find(types.begin(), types.end(), "email_changed"), types.end());
}

TEST_F(AccountLifecycleE2E, ResetErrors) {
  EXPECT_EQ(http_.postJson("/v1/auth/password-reset/request", json::object()).status, 422);
  EXPECT_EQ(http_.postJson("/v1/auth/password-reset/request", {{"email", "not an email"}}).status,
            202);
  auto bad =
      http_.postJson("/v1/auth/password-reset/confirm",
                     {{"token", std::string(43, 'B')}, {"new_password", "a brand new passphrase"}});
  EXPECT_EQ(bad.status, 401);
  EXPECT_EQ(bad.json().at("code"), "token_invalid");
  EXPECT_EQ(http_.postJson("/v1/auth/password-reset/confirm", {{"token", "x"}}).status, 422);
}

TEST_F(AccountLifecycleE2E, MailWaitsInTheOutboxWhileSmtpIsDown) {
  api_.signUp("outage1");
  sink_->stop();
  ASSERT_EQ(
      http_.postJson("/v1/auth/password-reset/request", {{"email", "outage1@example.com"}}).status,
      202);
  // The worker tries, fails and backs off while the sink is down; the request did not wait.
  std::this_thread::sleep_for(std::chrono::milliseconds(400));
  sink_->start();
  const std::string mail = sink_->waitFor("outage1@example.com");
  ASSERT_FALSE(mail.empty()) << "the mail was lost";
  ASSERT_FALSE(tokenFromMail(mail).empty());
  EXPECT_NE(server_->log().find("not sent (attempt 1)"), std::string::npos);
  auto done =
      http_.postJson("/v1/auth/password-reset/confirm",
                     {{"token", tokenFromMail(mail)}, {"new_password", "outage passphrase ok"}});
  EXPECT_EQ(done.status, 204);
}

}  // namespace
}  // namespace authd::testing
