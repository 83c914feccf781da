// Multi-factor authentication end to end: the real binary, PostgreSQL and an SMTP sink, with
// every TOTP code computed independently of authd by Debian's oathtool (RFC 6238), from the
// secret the enrolment returned, as an authenticator app would.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <regex>
#include <thread>

#include "mail_fixture.hpp"
#include "shared/core/encoding.hpp"

namespace authd::testing {
namespace {

using nlohmann::json;

constexpr const char* kPassword = ApiClient::kPassword;

// The TOTP code of `base32_secret` at Unix time `at`, from oathtool.
std::string oathtool(const std::string& base32_secret, long long at) {
  if (!std::regex_match(base32_secret, std::regex("[A-Z2-7]+"))) {
    ADD_FAILURE() << "not a base32 secret: " << base32_secret;
    return "";
  }
  const std::string cmd =
      "oathtool --totp -b -N @" + std::to_string(at) + " " + base32_secret + " 2>&1";
  FILE* pipe = popen(cmd.c_str(), "r");
  if (pipe == nullptr) return "";
  char buf[64] = {};
  std::string out = fgets(buf, sizeof buf, pipe) ? buf : "";
  pclose(pipe);
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  EXPECT_TRUE(std::regex_match(out, std::regex("[0-9]{6}"))) << "oathtool said: " << out;
  return out;
}

// An authenticator app: hands out the code of the current step, or of the next one when the
// current one was already used (authd accepts one step of skew), never a step twice. Waits for
// the clock when both are used. Picking the current step or a later one means a step boundary
// crossed in flight still leaves the code inside the window.
class Authenticator {
 public:
  explicit Authenticator(std::string secret) : secret_(std::move(secret)) {}
  std::string next() {
    long long current = std::time(nullptr) / 30;
    long long step = std::max(last_ + 1, current);
    while (step > current + 1) {
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
      current = std::time(nullptr) / 30;
    }
    last_ = step;
    return oathtool(secret_, step * 30);
  }
  // A code of a step well outside the window: the right secret, the wrong time.
  std::string stale() const { return oathtool(secret_, std::time(nullptr) - 600); }

 private:
  std::string secret_;
  long long last_ = 0;
};

json claimsOf(const std::string& jwt) {
  const auto d1 = jwt.find('.');
  const auto d2 = jwt.find('.', d1 + 1);
  const auto bytes = base64UrlDecode(jwt.substr(d1 + 1, d2 - d1 - 1));
  return json::parse(std::string(bytes->begin(), bytes->end()));
}

class MfaE2E : public MailingServerTest {
 protected:
  static void SetUpTestSuite() { startServer({{"AUTH_TOTP_ISSUER", "Example Co"}}); }

  HttpResponse post(const std::string& path, const json& body, const json& tokens = nullptr) {
    return api_.send("POST", path, &body, tokens.is_null() ? Headers{} : ApiClient::bearer(tokens));
  }
  HttpResponse del(const std::string& path, const json& body, const json& tokens) {
    return api_.send("DELETE", path, &body, ApiClient::bearer(tokens));
  }

  // Signs `name` up, enrols and confirms TOTP. Returns the caller's tokens; fills the
  // authenticator and the recovery codes.
  json enable(const std::string& name, std::unique_ptr<Authenticator>& app,
              std::vector<std::string>* recovery = nullptr) {
    auto tokens = api_.signUp(name);
    auto started = post("/v1/users/me/mfa/totp", {{"password", kPassword}}, tokens);
    EXPECT_EQ(started.status, 200) << started.body;
    EXPECT_EQ(started.header("cache-control"), "no-store");
    const auto body = started.json();
    const std::string secret = body.at("secret");
    EXPECT_EQ(secret.size(), 32u);  // 160 bits
    // What an app scans: the secret comes out of the URI, not from the "secret" member.
    const std::string uri = body.at("otpauth_uri");
    std::smatch m;
    EXPECT_TRUE(std::regex_match(
        uri, m,
        std::regex("otpauth://totp/Example%20Co:" + name +
                   "%40example\\.com\\?secret=([A-Z2-7]+)&issuer=Example%20Co&algorithm=SHA1&"
                   "digits=6&period=30")))
        << uri;
    app = std::make_unique<Authenticator>(m.size() > 1 ? m[1].str() : secret);
    auto confirmed = post("/v1/users/me/mfa/totp/confirm", {{"code", app->next()}}, tokens);
    EXPECT_EQ(confirmed.status, 200) << confirmed.body;
    EXPECT_EQ(confirmed.header("cache-control"), "no-store");
    const auto codes = confirmed.json().at("recovery_codes");
    EXPECT_EQ(codes.size(), 10u);
    for (const auto& c : codes) {
      EXPECT_TRUE(std::regex_match(c.get<std::string>(), std::regex("[a-z2-7]{5}-[a-z2-7]{5}")))
          << c;
      if (recovery) recovery->push_back(c);
    }
    return tokens;
  }

  // The password step of a login with MFA on: 401 mfa_required and its token.
  std::string mfaToken(const std::string& name) {
    auto r = post("/v1/auth/login", {{"email", name + "@example.com"}, {"password", kPassword}});
    expectProblem(r, 401, "mfa_required");
    EXPECT_EQ(r.header("cache-control"), "no-store");
    EXPECT_FALSE(r.json().contains("access_token"));
    return r.json().value("mfa_token", "");
  }

  std::vector<std::string> eventTypes(const json& tokens) {
    std::vector<std::string> out;
    const auto r = http_.get("/v1/auth/events?limit=100", ApiClient::bearer(tokens));
    EXPECT_EQ(r.status, 200) << r.body;
    if (r.status != 200) return out;
    const json body = r.json();  // kept: the loop below reads into it
    for (const auto& e : body.at("events")) out.push_back(e.at("type"));
    return out;
  }
  static ::testing::AssertionResult has(const std::vector<std::string>& v, const std::string& x) {
    if (std::find(v.begin(), v.end(), x) != v.end()) return ::testing::AssertionSuccess();
    auto failure = ::testing::AssertionFailure() << x << " is not among:";
    for (const auto& e : v) failure << " " << e;
    return failure;
  }
};

TEST_F(MfaE2E, EnrolThenLogInOnlyWithPasswordAndCode) {
  std::unique_ptr<Authenticator> app;
  auto first = enable("mfa1", app);
  // Turned on: the account is told, every other session ended, the user shows it.
  const std::string mail = sink_->waitFor("mfa1@example.com");
  EXPECT_NE(mail.find("Subject: Two-step sign-in was turned on"), std::string::npos) << mail;
  auto me = http_.get("/v1/users/me", ApiClient::bearer(first));
  ASSERT_EQ(me.status, 200);
  EXPECT_EQ(me.json().at("mfa_enabled"), true);
  EXPECT_EQ(claimsOf(first.at("access_token")).at("amr"), json::array({"pwd"}));

  // The password alone gives no tokens; password plus code does, with amr pwd+otp.
  const std::string token = mfaToken("mfa1");
  ASSERT_FALSE(token.empty());
  auto grant = post("/v1/auth/login/mfa", {{"mfa_token", token}, {"code", app->next()}});
  expectGrant(grant, 200);
  const auto tokens = grant.json();
  EXPECT_EQ(tokens.at("user").at("mfa_enabled"), true);
  EXPECT_EQ(claimsOf(tokens.at("access_token")).at("amr"), json::array({"pwd", "otp"}));
  // A refresh keeps the session's amr; introspection reports it.
  auto refreshed = post("/v1/auth/refresh", {{"refresh_token", tokens.at("refresh_token")}});
  expectGrant(refreshed, 200);
  EXPECT_EQ(claimsOf(refreshed.json().at("access_token")).at("amr"), json::array({"pwd", "otp"}));
  auto intro = post("/v1/auth/introspect", {{"token", refreshed.json().at("access_token")}});
  EXPECT_EQ(intro.json().at("amr"), json::array({"pwd", "otp"}));
  // The token is single use.
  expectProblem(post("/v1/auth/login/mfa", {{"mfa_token", token}, {"code", app->stale()}}), 401,
                "mfa_token_invalid");
  // A wrong password is the usual answer, with no token.
  auto wrong = post("/v1/auth/login", {{"username", "mfa1"}, {"password", "not the password"}});
  expectProblem(wrong, 401, "invalid_credentials");
  EXPECT_FALSE(wrong.json().contains("mfa_token"));
  EXPECT_TRUE(has(eventTypes(tokens), "mfa_enabled"));
}

TEST_F(MfaE2E, AReplayedCodeIsRefused) {
  std::unique_ptr<Authenticator> app;
  enable("mfa2", app);
  const std::string code = app->next();
  expectGrant(post("/v1/auth/login/mfa", {{"mfa_token", mfaToken("mfa2")}, {"code", code}}), 200);
  auto replay = post("/v1/auth/login/mfa", {{"mfa_token", mfaToken("mfa2")}, {"code", code}});
  expectProblem(replay, 401, "mfa_code_invalid");
}

TEST_F(MfaE2E, OneCodeSentTwiceAtOnceSucceedsOnce) {
  std::unique_ptr<Authenticator> app;
  std::vector<std::string> recovery;
  enable("mfa3", app, &recovery);
  // Two logins, two tokens, one TOTP code, at once; then one token and one recovery code, twice
  // at once.
  for (int round = 0; round < 2; ++round) {
    const std::string a = mfaToken("mfa3");
    const std::string b = round == 0 ? mfaToken("mfa3") : a;
    const std::string c = round == 0 ? app->next() : recovery.at(0);
    int statuses[2] = {0, 0};
    std::thread t1([&] {
      HttpClient h(server_->baseUrl());
      statuses[0] = h.postJson("/v1/auth/login/mfa", {{"mfa_token", a}, {"code", c}}).status;
    });
    std::thread t2([&] {
      HttpClient h(server_->baseUrl());
      statuses[1] = h.postJson("/v1/auth/login/mfa", {{"mfa_token", b}, {"code", c}}).status;
    });
    t1.join();
    t2.join();
    EXPECT_EQ(std::count(statuses, statuses + 2, 200), 1) << statuses[0] << " " << statuses[1];
    EXPECT_EQ(std::count(statuses, statuses + 2, 401), 1) << statuses[0] << " " << statuses[1];
  }
}

TEST_F(MfaE2E, ARecoveryCodeLogsInOnce) {
  std::unique_ptr<Authenticator> app;
  std::vector<std::string> recovery;
  enable("mfa4", app, &recovery);
  ASSERT_EQ(recovery.size(), 10u);
  auto grant = post("/v1/auth/login/mfa", {{"mfa_token", mfaToken("mfa4")}, {"code", recovery[0]}});
  expectGrant(grant, 200);
  expectProblem(
      post("/v1/auth/login/mfa", {{"mfa_token", mfaToken("mfa4")}, {"code", recovery[0]}}), 401,
      "mfa_code_invalid");
  const auto types = eventTypes(grant.json());
  EXPECT_TRUE(has(types, "recovery_code_used"));
  EXPECT_TRUE(has(types, "mfa_failed"));
}

TEST_F(MfaE2E, RegeneratedCodesReplaceTheOldOnes) {
  std::unique_ptr<Authenticator> app;
  std::vector<std::string> old_codes;
  auto tokens = enable("mfa5", app, &old_codes);
  auto fresh = post("/v1/users/me/mfa/recovery-codes", {{"code", app->next()}}, tokens);
  ASSERT_EQ(fresh.status, 200) << fresh.body;
  const auto codes = fresh.json().at("recovery_codes");
  ASSERT_EQ(codes.size(), 10u);
  expectProblem(
      post("/v1/auth/login/mfa", {{"mfa_token", mfaToken("mfa5")}, {"code", old_codes[1]}}), 401,
      "mfa_code_invalid");
  auto grant = post("/v1/auth/login/mfa", {{"mfa_token", mfaToken("mfa5")}, {"code", codes[1]}});
  expectGrant(grant, 200);
  EXPECT_TRUE(has(eventTypes(grant.json()), "recovery_codes_regenerated"));
}

TEST_F(MfaE2E, DisableNeedsPasswordAndCodeThenThePasswordAloneLogsIn) {
  std::unique_ptr<Authenticator> app;
  auto tokens = enable("mfa6", app);
  sink_->waitFor("mfa6@example.com");
  expectProblem(
      del("/v1/users/me/mfa/totp", {{"password", "wrong password"}, {"code", "123456"}}, tokens),
      401, "invalid_credentials");
  expectProblem(
      del("/v1/users/me/mfa/totp", {{"password", kPassword}, {"code", app->stale()}}, tokens), 401,
      "mfa_code_invalid");
  auto off = del("/v1/users/me/mfa/totp", {{"password", kPassword}, {"code", app->next()}}, tokens);
  ASSERT_EQ(off.status, 204) << off.body;
  const std::string mail = sink_->waitFor("mfa6@example.com", 1);
  EXPECT_NE(mail.find("Subject: Two-step sign-in was turned off"), std::string::npos) << mail;
  expectProblem(del("/v1/users/me/mfa/totp", {{"password", kPassword}, {"code", "123456"}}, tokens),
                409, "mfa_not_enabled");
  expectProblem(post("/v1/users/me/mfa/recovery-codes", {{"code", "123456"}}, tokens), 409,
                "mfa_not_enabled");
  auto login = api_.logIn("mfa6");
  EXPECT_EQ(claimsOf(login.at("access_token")).at("amr"), json::array({"pwd"}));
  EXPECT_EQ(login.at("user").at("mfa_enabled"), false);
  EXPECT_TRUE(has(eventTypes(login), "mfa_disabled"));
}

TEST_F(MfaE2E, StateErrorsAre409) {
  auto tokens = api_.signUp("mfa7");
  expectProblem(post("/v1/users/me/mfa/totp/confirm", {{"code", "123456"}}, tokens), 409,
                "mfa_enrolment_missing");
  std::unique_ptr<Authenticator> app;
  auto on = enable("mfa8", app);
  expectProblem(post("/v1/users/me/mfa/totp", {{"password", kPassword}}, on), 409,
                "mfa_already_enabled");
  expectProblem(post("/v1/users/me/mfa/totp/confirm", {{"code", "123456"}}, on), 409,
                "mfa_already_enabled");
  expectProblem(post("/v1/users/me/mfa/totp", {{"password", "wrong password"}}, tokens), 401,
                "invalid_credentials");
  expectProblem(http_.request("POST", "/v1/users/me/mfa/totp", nullptr, {}), 401, "unauthorized");
}

TEST_F(MfaE2E, AnAdminResetsMfaForAUserWhoLostTheDevice) {
  std::unique_ptr<Authenticator> app;
  enable("mfa9", app);
  const std::string pending = mfaToken("mfa9");
  auto user = api_.signUp("mfanobody");
  api_.signUp("mfaadmin");
  std::string out;
  ASSERT_EQ(runAuthd({"grant-role", "mfaadmin@example.com", "admin"}, database_->url(), &out), 0)
      << out;
  auto admin = api_.logIn("mfaadmin");
  auto id = http_.get("/v1/admin/users?q=mfa9", ApiClient::bearer(admin))
                .json()
                .at("users")
                .at(0)
                .at("id")
                .get<std::string>();
  // Not for a user without the role.
  expectProblem(
      api_.send("DELETE", "/v1/admin/users/" + id + "/mfa", nullptr, ApiClient::bearer(user)), 403,
      "forbidden");
  auto reset =
      api_.send("DELETE", "/v1/admin/users/" + id + "/mfa", nullptr, ApiClient::bearer(admin));
  ASSERT_EQ(reset.status, 204) << reset.body;
  expectProblem(api_.send("DELETE", "/v1/admin/users/00000000-0000-7000-8000-000000000000/mfa",
                          nullptr, ApiClient::bearer(admin)),
                404, "not_found");
  // The token of a login begun before the reset is dead; the password alone works now.
  expectProblem(post("/v1/auth/login/mfa", {{"mfa_token", pending}, {"code", app->next()}}), 401,
                "mfa_token_invalid");
  auto login = api_.logIn("mfa9");
  EXPECT_TRUE(has(eventTypes(login), "mfa_disabled"));
  EXPECT_EQ(http_.get("/v1/admin/users/" + id, ApiClient::bearer(admin)).json().at("mfa_enabled"),
            false);
}

TEST_F(MfaE2E, WrongCodesLockTheAccount) {
  std::unique_ptr<Authenticator> app;
  enable("mfa10", app);
  const std::string token = mfaToken("mfa10");  // attempt 1 in the window
  for (int i = 0; i < 4; ++i) {                 // attempts 2 to 5
    expectProblem(post("/v1/auth/login/mfa", {{"mfa_token", token}, {"code", app->stale()}}), 401,
                  "mfa_code_invalid");
  }
  auto locked = post("/v1/auth/login/mfa", {{"mfa_token", token}, {"code", app->next()}});
  expectProblem(locked, 429, "rate_limited");
  EXPECT_FALSE(locked.header("retry-after").empty());
}

TEST_F(MfaE2E, HostileInputOnEveryNewFieldIsA4xxAndTheServiceStillServes) {
  std::unique_ptr<Authenticator> app;
  auto tokens = enable("mfa11", app);
  const std::string token = mfaToken("mfa11");
  const std::vector<json> bad_strings = {std::string("12\0"
                                                     "3456",
                                                     7),
                                         std::string("\xff\xfe"), std::string(70000, '1')};
  const std::vector<json> wrong_types = {123456, json::array({"123456"}), json::object(), nullptr,
                                         true};
  struct Route {
    std::string method, path, field;
    json base;
  };
  const std::vector<Route> routes = {
      {"POST", "/v1/users/me/mfa/totp", "password", json::object()},
      {"POST", "/v1/users/me/mfa/totp/confirm", "code", json::object()},
      {"DELETE", "/v1/users/me/mfa/totp", "password", {{"code", "123456"}}},
      {"DELETE", "/v1/users/me/mfa/totp", "code", {{"password", kPassword}}},
      {"POST", "/v1/users/me/mfa/recovery-codes", "code", json::object()},
      {"POST", "/v1/auth/login/mfa", "mfa_token", {{"code", "123456"}}},
      {"POST", "/v1/auth/login/mfa", "code", {{"mfa_token", token}}},
  };
  for (const auto& r : routes) {
    std::vector<json> values = wrong_types;
    if (r.field != "password") values.insert(values.end(), bad_strings.begin(), bad_strings.end());
    for (const auto& v : values) {
      std::string raw;
      if (!v.is_string()) {
        json body = r.base;
        body[r.field] = v;
        raw = body.dump();
      } else {  // put the exact bytes on the wire, NUL and invalid UTF-8 included
        raw = r.base.empty() ? "{" : r.base.dump().substr(0, r.base.dump().size() - 1) + ",";
        std::string escaped;
        for (char c : v.get<std::string>()) {
          if (c == '\0') {
            escaped += "\\u0000";
          } else {
            escaped.push_back(c);
          }
        }
        raw += "\"" + r.field + "\":\"" + escaped + "\"}";
      }
      auto headers = ApiClient::bearer(tokens);
      headers["Content-Type"] = "application/json";
      auto res = http_.request(r.method, r.path, &raw, headers);
      EXPECT_GE(res.status, 400) << r.path << " " << r.field << " " << res.body;
      EXPECT_LT(res.status, 500) << r.path << " " << r.field << " " << res.body;
      EXPECT_EQ(res.header("content-type"), "application/problem+json") << r.path;
    }
  }
  // Still serving, and still working: the token of this login was not used up by the noise
  // beyond its five tries, and a right code from a fresh login still signs in.
  expectGrant(post("/v1/auth/login/mfa", {{"mfa_token", mfaToken("mfa11")}, {"code", app->next()}}),
              200);
  EXPECT_EQ(http_.get("/healthz").status, 200);
}

}  // namespace
}  // namespace authd::testing
