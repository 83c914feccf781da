// Hostile input against the real binary (issue 10): every request below is something an
// attacker can send; each must get a clear problem document with an X-Request-Id (never a 500,
// never silence), and afterwards register, login, refresh and /readyz must still work.
#include "hostile_fixture.hpp"

namespace authd::testing {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

TEST_F(HostileInputTest, EveryHostileRequestGetsAProblemDocumentAndTheServiceKeepsServing) {
  const std::string login_ok = json{{"username", "boss"}, {"password", kPassword}}.dump();
  const std::string big(1 << 20, 'x');
  const std::vector<Case> cases = {
      // NUL, controls and invalid UTF-8 in every JSON string field that reaches storage.
      {"login username NUL", post("/v1/auth/login", R"({"username":"bo\u0000ss","password":"x"})"),
       422, "validation_failed"},
      {"login email NUL",
       post("/v1/auth/login", R"({"email":"b\u0000@example.com","password":"x"})"), 422,
       "validation_failed"},
      {"login email control",
       post("/v1/auth/login", R"({"email":"b\u001b@example.com","password":"x"})"), 422,
       "validation_failed"},
      {"login password NUL is compared",
       post("/v1/auth/login", R"({"username":"boss","password":"a\u0000b"})"), 401,
       "invalid_credentials"},
      {"register email NUL",
       post("/v1/auth/register",
            R"({"email":"n\u0000@example.com","username":"nul1","password":"a fine passphrase"})"),
       422, "validation_failed"},
      {"register username DEL",
       post("/v1/auth/register",
            R"({"email":"n1@example.com","username":"nu\u007fl","password":"a fine passphrase"})"),
       422, "validation_failed"},
      {"register display_name NUL",
       post("/v1/auth/register", R"({"email":"n2@example.com","username":"nul2",)"
                                 R"("password":"a fine passphrase","display_name":"x\u0000"})"),
       422, "validation_failed"},
      {"register display_name C1",
       post("/v1/auth/register", R"({"email":"n3@example.com","username":"nul3",)"
                                 R"("password":"a fine passphrase","display_name":"x\u0085"})"),
       422, "validation_failed"},
      {"refresh token NUL", post("/v1/auth/refresh", R"({"refresh_token":"a\u0000b"})"), 422,
       "validation_failed"},
      {"logout token NUL", post("/v1/auth/logout", R"({"refresh_token":"\u0000"})"), 422,
       "validation_failed"},
      {"revoke token NUL", post("/v1/auth/revoke", R"({"token":"\u0000"})"), 422,
       "validation_failed"},
      {"revoke form NUL",
       post("/v1/auth/revoke", "token=a%00b", "", "application/x-www-form-urlencoded"), 422,
       "validation_failed"},
      {"revoke form invalid UTF-8",
       post("/v1/auth/revoke", "token=%FF%FE", "", "application/x-www-form-urlencoded"), 422,
       "validation_failed"},
      {"revoke form bad escape",
       post("/v1/auth/revoke", "token=%G0", "", "application/x-www-form-urlencoded"), 400,
       "invalid_json"},
      {"introspect token NUL", post("/v1/auth/introspect", R"({"token":"x\u0000"})"), 422,
       "validation_failed"},
      {"verify-email token NUL", post("/v1/auth/verify-email", R"({"token":"\u0000"})"), 422,
       "validation_failed"},
      {"reset request email NUL",
       post("/v1/auth/password-reset/request", R"({"email":"boss@example.com\u0000"})"), 422,
       "validation_failed"},
      {"reset confirm token NUL",
       post("/v1/auth/password-reset/confirm",
            R"({"token":"\u0000","new_password":"a fine passphrase"})"),
       422, "validation_failed"},
      {"email change new_email NUL",
       post("/v1/users/me/email", R"({"new_email":"x\u0000@example.com","password":"p"})",
            bearer()),
       422, "validation_failed"},
      {"email change new_email invalid UTF-8",
       post("/v1/users/me/email", "{\"new_email\":\"\xff@example.com\",\"password\":\"p\"}",
            bearer()),
       400, "invalid_json"},
      {"email change confirm token NUL",
       post("/v1/auth/email-change/confirm", R"({"token":"\u0000"})"), 422, "validation_failed"},
      {"login mfa code NUL", post("/v1/auth/login/mfa", R"({"mfa_token":"x","code":"1\u00002"})"),
       422, "validation_failed"},
      {"admin events limit NUL",
       rawRequest("GET", "/v1/admin/users/00000000-0000-7000-8000-000000000000/events?limit=%00",
                  bearer()),
       422, "validation_failed"},
      {"patch display_name NUL", patchMe(R"({"display_name":"\u0000"})"), 422, "validation_failed"},
      {"patch username NUL", patchMe(R"({"username":"a\u0000"})"), 422, "validation_failed"},
      // Bodies that are not JSON text.
      {"raw invalid UTF-8 in JSON",
       post("/v1/auth/login", "{\"username\":\"\xff\xfe\",\"password\":\"x\"}"), 400,
       "invalid_json"},
      {"raw NUL in JSON",
       post("/v1/auth/login", nul("{\"username\":\"a", "\",\"password\":\"x\"}")), 400,
       "invalid_json"},
      {"deep array body", post("/v1/auth/login", deepArray(30000)), 400, "invalid_json"},
      {"deep value in a field",
       post("/v1/auth/login", "{\"username\":" + deepArray(30000) + ",\"password\":\"x\"}"), 422,
       "validation_failed"},
      {"huge number", post("/v1/auth/login", R"({"username":1e999999,"password":"x"})"), 400,
       "invalid_json"},
      {"long number",
       post("/v1/auth/login", "{\"username\":" + std::string(40, '9') + ",\"password\":\"x\"}"),
       422, "validation_failed"},
      {"wrong types", post("/v1/auth/register", R"({"email":{},"username":[],"password":7})"), 422,
       "validation_failed"},
      {"not an object", post("/v1/auth/login", R"("just a string")"), 400, "invalid_json"},
      {"truncated JSON", post("/v1/auth/login", R"({"username":)"), 400, "invalid_json"},
      // Query strings and paths.
      {"events limit NUL", rawRequest("GET", "/v1/auth/events?limit=%00", bearer()), 422,
       "validation_failed"},
      {"events cursor invalid UTF-8", rawRequest("GET", "/v1/auth/events?cursor=%FF", bearer()),
       422, "validation_failed"},
      {"admin q NUL", rawRequest("GET", "/v1/admin/users?q=bo%00", bearer()), 422,
       "validation_failed"},
      {"admin q bad escape", rawRequest("GET", "/v1/admin/users?q=%zz", bearer()), 422,
       "validation_failed"},
      {"admin q control", rawRequest("GET", "/v1/admin/users?q=%1B", bearer()), 422,
       "validation_failed"},
      {"admin user id escapes", rawRequest("GET", "/v1/admin/users/%00%FF", bearer()), 422,
       "validation_failed"},
      {"session id escapes", rawRequest("DELETE", "/v1/auth/sessions/%FF%FE", bearer()), 422,
       "validation_failed"},
      {"role NUL",
       rawRequest("PUT", "/v1/admin/users/00000000-0000-7000-8000-000000000000/roles/ad%00min",
                  bearer()),
       422, "validation_failed"},
      {"asset name invalid UTF-8", rawRequest("GET", "/assets/style%C3%28.css", ""), 422,
       "validation_failed"},
      {"admin user id not a uuid", rawRequest("GET", "/v1/admin/users/not-a-uuid", bearer()), 404,
       "not_found"},
      {"raw byte in path", rawRequest("GET", "/v1/users/\xff", ""), 400, "bad_request"},
      {"dot segments", rawRequest("GET", "/v1/auth/../../etc/passwd", ""), 404, "not_found"},
      // Header values.
      {"user agent NUL", rawRequest("GET", "/healthz", nul("User-Agent: a", "b\r\n")), 400,
       "bad_request"},
      {"authorization control", rawRequest("GET", "/v1/users/me", "Authorization: Bearer \x01\r\n"),
       400, "bad_request"},
      {"authorization invalid UTF-8",
       rawRequest("GET", "/v1/users/me", "Authorization: Bearer \xff\xfe\r\n"), 401,
       "unauthorized"},
      {"request id too long",
       rawRequest("GET", "/v1/nothing", "X-Request-Id: " + std::string(300, 'r') + "\r\n"), 404,
       "not_found"},
      {"forged forwarded-for ignored",
       post("/v1/auth/login", login_ok, "X-Forwarded-For: '; DROP TABLE users; --\r\n"), 200, ""},
      // Methods.
      {"TRACE on a route", rawRequest("TRACE", "/v1/auth/login", ""), 405, "method_not_allowed"},
      {"made-up method", rawRequest("FOO", "/healthz", ""), 405, "method_not_allowed"},
      {"made-up method, no route", rawRequest("BREW", "/coffee", ""), 404, "not_found"},
      {"CONNECT", "CONNECT 127.0.0.1:443 HTTP/1.1\r\nHost: x\r\n\r\n", 400, "bad_request"},
      {"wrong method on a route", rawRequest("PUT", "/v1/auth/login", ""), 405,
       "method_not_allowed"},
      // Content types.
      {"jsonx", post("/v1/auth/login", login_ok, "", "application/jsonx"), 415,
       "unsupported_media_type"},
      {"malformed type", post("/v1/auth/login", login_ok, "", ";;;="), 415,
       "unsupported_media_type"},
      {"unterminated parameter",
       post("/v1/auth/login", login_ok, "", "application/json; charset=\"utf"), 200, ""},
      {"text/plain", post("/v1/auth/login", login_ok, "", "text/plain"), 415,
       "unsupported_media_type"},
      {"no content type", rawRequest("POST", "/v1/auth/login", "", &login_ok), 415,
       "unsupported_media_type"},
      // Sizes and framing.
      {"1 MiB body", post("/v1/auth/login", big), 413, "payload_too_large"},
      {"announced 70 KiB, never sent",
       rawRequest("POST", "/v1/auth/login",
                  "Content-Type: application/json\r\nContent-Length: 71680\r\n"),
       413, "payload_too_large"},
      {"chunked 70 KiB",
       chunked("/v1/auth/login", std::vector<std::string>(70, std::string(1024, ' '))), 413,
       "payload_too_large"},
      {"chunked small login",
       chunked("/v1/auth/login", {login_ok.substr(0, 10), login_ok.substr(10)}), 200, ""},
      {"length and chunked together",
       "POST /v1/auth/login HTTP/1.1\r\nContent-Length: 2\r\nTransfer-Encoding: "
       "chunked\r\n\r\n0\r\n\r\n",
       400, "bad_request"},
      {"bad chunk size", "POST /v1/auth/login HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
       400, "bad_request"},
      {"gzip transfer coding", "POST /v1/auth/login HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n",
       400, "bad_request"},
      {"bad content length", "POST /v1/auth/login HTTP/1.1\r\nContent-Length: abc\r\n\r\n", 400,
       "bad_request"},
      {"two content lengths",
       "POST /v1/auth/login HTTP/1.1\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}", 400,
       "bad_request"},
      {"20 KiB of headers",
       rawRequest("GET", "/healthz", "X-Filler: " + std::string(20000, 'h') + "\r\n"), 431,
       "headers_too_large"},
      // Request lines.
      {"garbage line", "GARBAGE\r\n\r\n", 400, "bad_request"},
      {"HTTP/2.0", "GET /healthz HTTP/2.0\r\n\r\n", 400, "bad_request"},
      {"binary junk", std::string("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n", 15), 400,
       "bad_request"},
      {"folded header", "GET /healthz HTTP/1.1\r\nX-A: a\r\n b\r\n\r\n", 400, "bad_request"},
  };
  ASSERT_GE(cases.size(), 50u);
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    expectProblem(send(c.wire), c.status, c.code);
    expectServiceWorks();
    if (HasFatalFailure()) return;
  }
}

TEST_F(HostileInputTest, ALoginWithAHostileIdentifierIsNotCountedAsAFailure) {
  const auto before = database_->exec("SELECT 1 FROM login_failures");
  for (int i = 0; i < 10; ++i) {
    expectProblem(
        send(post("/v1/auth/login", R"({"email":"boss@example.com\u0000","password":"x"})")), 422,
        "validation_failed");
  }
  EXPECT_EQ(database_->exec("SELECT 1 FROM login_failures"), before);
  expectServiceWorks();
}

TEST_F(HostileInputTest, AnInvalidUserAgentIsRepairedIntoTheSessionAndTheReplayStillRevokes) {
  const std::string agent = "evil\xff\xfe agent";
  auto login =
      send(post("/v1/auth/login", json{{"username", "boss"}, {"password", kPassword}}.dump(),
                "User-Agent: " + agent + "\r\n"));
  ASSERT_EQ(login.status, 200) << login.body;
  const auto first = login.json().at("refresh_token").get<std::string>();
  const auto access = login.json().at("access_token").get<std::string>();
  auto sessions =
      send(rawRequest("GET", "/v1/auth/sessions", "Authorization: Bearer " + access + "\r\n"));
  ASSERT_EQ(sessions.status, 200);
  bool found = false;
  const json listed = sessions.json();
  for (const auto& s : listed.at("sessions")) {
    if (s.at("current").get<bool>()) {
      EXPECT_EQ(s.at("user_agent"), "evil\xef\xbf\xbd\xef\xbf\xbd agent");
      found = true;
    }
  }
  EXPECT_TRUE(found) << sessions.body;
  // Reuse detection writes an audit row carrying the same user agent: it must commit.
  const auto refresh = [&](const std::string& token) {
    return send(post("/v1/auth/refresh", json{{"refresh_token", token}}.dump(),
                     "User-Agent: " + agent + "\r\n"));
  };
  auto second = refresh(first);
  ASSERT_EQ(second.status, 200) << second.body;
  auto third = refresh(second.json().at("refresh_token").get<std::string>());
  ASSERT_EQ(third.status, 200) << third.body;
  expectProblem(refresh(first), 401, "refresh_token_reused");
  expectProblem(refresh(third.json().at("refresh_token").get<std::string>()), 401,
                "refresh_token_invalid");
}

TEST_F(HostileInputTest, ConcurrentHostileRequestsLeaveNothingBehind) {
  std::vector<std::thread> threads;
  std::atomic<int> wrong{0};
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 10; ++i) {
        const auto r =
            send(i % 2 == 0 ? post("/v1/auth/login", R"({"username":"bo\u0000ss","password":"x"})")
                            : post("/v1/auth/refresh", "{\"refresh_token\":\"\xff\"}"));
        if (r.status != (i % 2 == 0 ? 422 : 400)) ++wrong;
      }
      (void)t;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(wrong.load(), 0);
  expectServiceWorks();
}

TEST(HostileProxyTest, ForgedForwardedForNeitherPicksTheBucketNorReachesTheAuditRows) {
  TestDatabase database(false);
  AuthdProcess server(database.url(), {{"AUTH_TRUST_PROXY", "1"}, {"AUTH_RATE_LIMIT_PER_IP", "2"}});
  const auto login = [&](const std::string& forwarded) {
    RawConnection c(server.port());
    c.send(post("/v1/auth/login", R"({"email":"x@example.com","password":"whatever1"})",
                "X-Forwarded-For: " + forwarded + "\r\n"));
    return c.read();
  };
  // Text instead of an address: the peer's address is used, so every forged value shares one
  // bucket (2 per minute here) and cannot mint fresh ones.
  EXPECT_EQ(login("not-an-ip-1").status, 401);
  EXPECT_EQ(login("'; DROP TABLE users; --").status, 401);
  EXPECT_EQ(login("<script>").status, 429);
  // A real address behind the trusted loopback proxy gets its own bucket.
  EXPECT_EQ(login("203.0.113.7").status, 401);
  EXPECT_EQ(database.exec("SELECT 1 FROM auth_events WHERE ip NOT IN ('127.0.0.1', '203.0.113.7')"),
            0u);
}

}  // namespace
}  // namespace authd::testing
