// End to end: the real authd binary over real HTTP against a real PostgreSQL.
#include <gtest/gtest.h>
#include <sodium.h>

#include "api_client.hpp"
#include "authd_process.hpp"
#include "shared/core/encoding.hpp"
#include "test_database.hpp"

namespace authd::testing {
namespace {

using nlohmann::json;

json decodeSegment(const std::string& s) {
  auto bytes = base64UrlDecode(s);
  if (!bytes) throw std::runtime_error("bad base64url segment");
  return json::parse(std::string(bytes->begin(), bytes->end()));
}

class AuthFlowTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    database_ = new TestDatabase(/*migrate=*/false);  // authd migrates on start
    server_ = new AuthdProcess(database_->url());
  }
  static void TearDownTestSuite() {
    delete server_;
    delete database_;
  }
  void TearDown() override {
    if (HasFailure()) std::cerr << "authd log:\n" << server_->log();
  }

  HttpClient client_{server_->baseUrl()};

  json registration(const std::string& name) {
    return {{"email", name + "@Example.com"},
            {"username", name},
            {"password", "correct horse battery"}};
  }

  static TestDatabase* database_;
  static AuthdProcess* server_;
};

TestDatabase* AuthFlowTest::database_ = nullptr;
AuthdProcess* AuthFlowTest::server_ = nullptr;

TEST_F(AuthFlowTest, RegisterLoginRefreshAndVerifyTheTokenFromJwksAlone) {
  auto reg = client_.postJson("/v1/auth/register", registration("alice"));
  expectGrant(reg, 201);
  const auto user = reg.json().at("user");
  EXPECT_EQ(user.at("email"), "alice@example.com");
  EXPECT_EQ(user.at("username"), "alice");
  EXPECT_EQ(user.at("display_name"), nullptr);
  EXPECT_EQ(user.at("email_verified"), false);
  EXPECT_EQ(user.at("roles"), json::array({"user"}));
  EXPECT_EQ(user.at("mfa_enabled"), false);
  EXPECT_EQ(user.size(), 9u);
  EXPECT_EQ(reg.body.find("argon2"), std::string::npos);

  auto login = client_.postJson("/v1/auth/login",
                                {{"username", "ALICE"}, {"password", "correct horse battery"}});
  expectGrant(login, 200);
  EXPECT_EQ(login.json().at("user").at("id"), user.at("id"));

  const auto first_refresh = login.json().at("refresh_token").get<std::string>();
  auto refreshed = client_.postJson("/v1/auth/refresh", {{"refresh_token", first_refresh}});
  expectGrant(refreshed, 200);
  EXPECT_NE(refreshed.json().at("refresh_token"), first_refresh);

  // Verify the access token with nothing but the JWKS: find the key by kid, decode x, check
  // the Ed25519 signature over "header.payload", then the claims.
  const auto access = refreshed.json().at("access_token").get<std::string>();
  auto jwks = client_.get("/.well-known/jwks.json");
  ASSERT_EQ(jwks.status, 200);
  EXPECT_EQ(jwks.header("cache-control"), "public, max-age=300");
  const auto d1 = access.find('.');
  const auto d2 = access.rfind('.');
  const auto header = decodeSegment(access.substr(0, d1));
  EXPECT_EQ(header.at("alg"), "EdDSA");
  EXPECT_EQ(header.at("typ"), "at+jwt");
  json key;
  const json keys = jwks.json();
  for (const auto& k : keys.at("keys")) {
    if (k.at("kid") == header.at("kid")) key = k;
  }
  ASSERT_FALSE(key.is_null()) << jwks.body;
  EXPECT_EQ(key.at("kty"), "OKP");
  EXPECT_EQ(key.at("crv"), "Ed25519");
  EXPECT_EQ(key.at("alg"), "EdDSA");
  EXPECT_EQ(key.at("use"), "sig");
  const auto x = base64UrlDecode(key.at("x").get<std::string>());
  ASSERT_TRUE(x.has_value());
  ASSERT_EQ(x->size(), crypto_sign_PUBLICKEYBYTES);
  const auto sig = base64UrlDecode(access.substr(d2 + 1));
  ASSERT_TRUE(sig.has_value());
  const std::string signing_input = access.substr(0, d2);
  ASSERT_EQ(crypto_sign_verify_detached(
                sig->data(), reinterpret_cast<const unsigned char*>(signing_input.data()),
                signing_input.size(), x->data()),
            0);
  std::string tampered = signing_input;
  tampered[d1 + 5] ^= 1;
  EXPECT_NE(crypto_sign_verify_detached(sig->data(),
                                        reinterpret_cast<const unsigned char*>(tampered.data()),
                                        tampered.size(), x->data()),
            0);
  const auto claims = decodeSegment(access.substr(d1 + 1, d2 - d1 - 1));
  EXPECT_EQ(claims.at("sub"), user.at("id"));
  EXPECT_EQ(claims.at("aud"), "authd");
  EXPECT_EQ(claims.at("iss"), "http://127.0.0.1:8080");
  EXPECT_EQ(claims.at("roles"), json::array({"user"}));
  EXPECT_EQ(claims.at("email"), "alice@example.com");
  const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  EXPECT_LE(claims.at("iat").get<long long>(), now + 1);
  EXPECT_GT(claims.at("exp").get<long long>(), now);
}

TEST_F(AuthFlowTest, ReplayInsideGraceWindowReturnsTheSameToken) {
  auto reg = client_.postJson("/v1/auth/register", registration("bob"));
  ASSERT_EQ(reg.status, 201);
  const auto token = reg.json().at("refresh_token");
  auto a = client_.postJson("/v1/auth/refresh", {{"refresh_token", token}});
  auto b = client_.postJson("/v1/auth/refresh", {{"refresh_token", token}});
  ASSERT_EQ(a.status, 200);
  ASSERT_EQ(b.status, 200) << b.body;
  EXPECT_EQ(a.json().at("refresh_token"), b.json().at("refresh_token"));
}

TEST_F(AuthFlowTest, RegisterRejectsTakenEmailAndUsernameIgnoringCase) {
  ASSERT_EQ(client_.postJson("/v1/auth/register", registration("carol")).status, 201);
  auto again = client_.postJson("/v1/auth/register", {{"email", "CAROL@example.COM"},
                                                      {"username", "other"},
                                                      {"password", "correct horse battery"}});
  EXPECT_EQ(again.status, 409);
  EXPECT_EQ(again.header("content-type"), "application/problem+json");
  EXPECT_EQ(again.json().at("code"), "email_taken");
  auto name = client_.postJson("/v1/auth/register", {{"email", "carol2@example.com"},
                                                     {"username", "CaRoL"},
                                                     {"password", "correct horse battery"}});
  EXPECT_EQ(name.status, 409);
  EXPECT_EQ(name.json().at("code"), "username_taken");
}

// Issue 12, finding 8: a non-ASCII capital used to give a 500, and the NFC and NFD spellings of
// one address registered twice.
TEST_F(AuthFlowTest, UnicodeEmailsHaveOneSpellingInEveryRoute) {
  const std::string upper_nfc = "\xC3\x89MILE@example.org";  // U+00C9 MILE
  const std::string nfd = "e\xCC\x81mile@example.org";       // e + U+0301 mile
  auto reg = client_.postJson(
      "/v1/auth/register",
      {{"email", upper_nfc}, {"username", "emile"}, {"password", "correct horse battery"}});
  ASSERT_EQ(reg.status, 201) << reg.body;
  EXPECT_EQ(reg.json().at("user").at("email"), "\xC3\xA9mile@example.org");
  auto twin = client_.postJson(
      "/v1/auth/register",
      {{"email", nfd}, {"username", "emile2"}, {"password", "correct horse battery"}});
  EXPECT_EQ(twin.status, 409) << twin.body;
  EXPECT_EQ(twin.json().at("code"), "email_taken");
  auto login =
      client_.postJson("/v1/auth/login", {{"email", nfd}, {"password", "correct horse battery"}});
  EXPECT_EQ(login.status, 200) << login.body;
  EXPECT_EQ(client_.get("/readyz").status, 200);
}

TEST_F(AuthFlowTest, ValidationListsEveryBadField) {
  auto r = client_.postJson("/v1/auth/register",
                            {{"email", "not-an-email"}, {"password", 12345678}, {"extra", true}});
  ASSERT_EQ(r.status, 422);
  const auto j = r.json();
  EXPECT_EQ(j.at("code"), "validation_failed");
  EXPECT_EQ(j.at("status"), 422);
  std::set<std::string> seen;
  for (const auto& e : j.at("errors"))
    seen.insert(e.at("field").get<std::string>() + ":" + e.at("code").get<std::string>());
  EXPECT_EQ(seen, (std::set<std::string>{"email:invalid_format", "username:required",
                                         "password:invalid_type"}));
}

TEST_F(AuthFlowTest, BodyRulesGive415And400And413) {
  auto no_type =
      client_.post("/v1/auth/login", R"({"email":"a@b.co","password":"x"})", "text/plain");
  EXPECT_EQ(no_type.status, 415);
  EXPECT_EQ(no_type.json().at("code"), "unsupported_media_type");
  auto broken = client_.post("/v1/auth/login", R"({"email": )");
  EXPECT_EQ(broken.status, 400);
  EXPECT_EQ(broken.json().at("code"), "invalid_json");
  auto array = client_.post("/v1/auth/login", "[1,2]");
  EXPECT_EQ(array.status, 400);
  auto big = client_.post("/v1/auth/login", "{\"pad\":\"" + std::string(70000, 'x') + "\"}");
  EXPECT_EQ(big.status, 413);
  EXPECT_EQ(big.json().at("code"), "payload_too_large");
}

TEST_F(AuthFlowTest, WrongPasswordAndUnknownAccountGetOneAnswer) {
  ASSERT_EQ(client_.postJson("/v1/auth/register", registration("dave")).status, 201);
  auto wrong = client_.postJson("/v1/auth/login",
                                {{"email", "dave@example.com"}, {"password", "nope nope nope"}});
  auto unknown = client_.postJson(
      "/v1/auth/login", {{"email", "nobody@example.com"}, {"password", "nope nope nope"}});
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(unknown.status, 401);
  EXPECT_EQ(wrong.json().at("code"), "invalid_credentials");
  EXPECT_EQ(wrong.body, unknown.body);
  auto missing = client_.postJson("/v1/auth/login", {{"password", "whatever"}});
  EXPECT_EQ(missing.status, 422);
}

TEST_F(AuthFlowTest, BadRefreshTokensAreRefreshTokenInvalid) {
  auto garbage = client_.postJson("/v1/auth/refresh", {{"refresh_token", "garbage"}});
  EXPECT_EQ(garbage.status, 401);
  EXPECT_EQ(garbage.json().at("code"), "refresh_token_invalid");
  auto missing = client_.postJson("/v1/auth/refresh", json::object());
  EXPECT_EQ(missing.status, 422);
}

TEST_F(AuthFlowTest, RequestIdIsEchoedOrGeneratedAndUnknownRoutesAreProblems) {
  auto echoed = client_.get("/healthz", {{"X-Request-Id", "trace-123.abc_X"}});
  EXPECT_EQ(echoed.status, 200);
  EXPECT_EQ(echoed.json(), json({{"status", "ok"}}));
  EXPECT_EQ(echoed.header("x-request-id"), "trace-123.abc_X");
  auto replaced = client_.get("/healthz", {{"X-Request-Id", "bad id!"}});
  EXPECT_EQ(replaced.header("x-request-id").size(), 36u);
  auto missing = client_.get("/no/such/route");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.header("content-type"), "application/problem+json");
  EXPECT_EQ(missing.json().at("code"), "not_found");
  EXPECT_FALSE(missing.header("x-request-id").empty());
}

TEST(AuthReuseTest, ReplayAfterGraceWindowRevokesTheSession) {
  TestDatabase database(false);
  AuthdProcess server(database.url(), {{"AUTH_REFRESH_REUSE_GRACE", "0"}});
  HttpClient client(server.baseUrl());
  auto reg = client.postJson(
      "/v1/auth/register",
      {{"email", "eve@example.com"}, {"username", "eve"}, {"password", "correct horse battery"}});
  ASSERT_EQ(reg.status, 201) << server.log();
  const auto first = reg.json().at("refresh_token");
  auto second = client.postJson("/v1/auth/refresh", {{"refresh_token", first}});
  ASSERT_EQ(second.status, 200);
  auto replay = client.postJson("/v1/auth/refresh", {{"refresh_token", first}});
  EXPECT_EQ(replay.status, 401);
  EXPECT_EQ(replay.json().at("code"), "refresh_token_reused");
  // The whole session is gone: the newest token no longer works either.
  auto after =
      client.postJson("/v1/auth/refresh", {{"refresh_token", second.json().at("refresh_token")}});
  EXPECT_EQ(after.status, 401);
  EXPECT_EQ(after.json().at("code"), "refresh_token_invalid");
  EXPECT_EQ(server.stop(), 0);  // SIGTERM is a clean shutdown
}

TEST(AuthStartupTest, RefusesToStartWithoutMasterKeyOutsideDevMode) {
  TestDatabase database(false);
  EXPECT_THROW(AuthdProcess(database.url(), {{"AUTH_DEV_MODE", "0"}}), std::runtime_error);
}

}  // namespace
}  // namespace authd::testing
