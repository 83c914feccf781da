// Signing-key and master-key rotation, and the master-key rule at start-up, against the real
// binary and its commands (contract, "Signing keys").
#include <gtest/gtest.h>
#include <sodium.h>

#include <set>
#include <thread>
#include <tuple>

#include "authd_process.hpp"
#include "http_client.hpp"
#include "test_database.hpp"

namespace authd::testing {
namespace {

using nlohmann::json;

constexpr const char* kPassword = "correct horse battery";
constexpr const char* kMasterA = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
constexpr const char* kMasterB = "ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj8=";

std::string kidOf(const std::string& jwt) {
  const std::string header = jwt.substr(0, jwt.find('.'));
  std::string out(header.size(), '\0');
  size_t len = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), header.data(),
                        header.size(), nullptr, &len, nullptr,
                        sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0) {
    return "";
  }
  out.resize(len);
  return json::parse(out).at("kid").get<std::string>();
}

std::set<std::string> jwksKids(HttpClient& http) {
  std::set<std::string> kids;
  const json jwks = http.get("/.well-known/jwks.json").json();  // kept: a range-for over a
  for (const auto& k : jwks.at("keys")) {                       // temporary's member dangles
    kids.insert(k.at("kid").get<std::string>());
  }
  return kids;
}

// A new account `name` (name@example.com) on `http`: its access and refresh tokens, empty
// (and the test failed) when registration did not answer 201.
std::pair<std::string, std::string> signUp(HttpClient& http, const std::string& name) {
  auto reg = http.postJson(
      "/v1/auth/register",
      {{"email", name + "@example.com"}, {"username", name}, {"password", kPassword}});
  EXPECT_EQ(reg.status, 201) << reg.body;
  if (reg.status != 201) return {};
  return {reg.json().at("access_token").get<std::string>(),
          reg.json().at("refresh_token").get<std::string>()};
}

// Polls the JWKS until it lists exactly `n` keys (the server reloads every second here).
std::set<std::string> waitForKeyCount(HttpClient& http, std::size_t n) {
  std::set<std::string> kids;
  for (int i = 0; i < 100; ++i) {
    kids = jwksKids(http);
    if (kids.size() == n) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return kids;
}

long me(HttpClient& http, const std::string& access) {
  return http.get("/v1/users/me", {{"Authorization", "Bearer " + access}}).status;
}

TEST(KeysTest, RotateKeysSignsWithANewKidAndRetiredKeysDropOutAfterTheirTokensExpire) {
  TestDatabase database(false);
  AuthdProcess server(database.url(), {{"AUTH_KEY_RELOAD_INTERVAL", "1"}});
  HttpClient http(server.baseUrl());
  auto reg =
      http.postJson("/v1/auth/register",
                    {{"email", "k@example.com"}, {"username", "keys"}, {"password", kPassword}});
  ASSERT_EQ(reg.status, 201);
  const auto old_token = reg.json().at("access_token").get<std::string>();
  const auto old_kid = kidOf(old_token);
  ASSERT_EQ(jwksKids(http), std::set<std::string>{old_kid});

  std::string out;
  ASSERT_EQ(runAuthd({"rotate-keys", "--now"}, database.url(), &out, {{"AUTH_DEV_MODE", "1"}}), 0)
      << out;
  const auto kids = waitForKeyCount(http, 2);
  ASSERT_EQ(kids.size(), 2u) << "the running server did not pick up the new key";
  EXPECT_EQ(kids.count(old_kid), 1u);  // the retired key is still published

  auto login =
      http.postJson("/v1/auth/login", {{"email", "k@example.com"}, {"password", kPassword}});
  ASSERT_EQ(login.status, 200);
  const auto new_token = login.json().at("access_token").get<std::string>();
  const auto new_kid = kidOf(new_token);
  EXPECT_NE(new_kid, old_kid);
  EXPECT_EQ(kids.count(new_kid), 1u);
  EXPECT_EQ(me(http, old_token), 200);  // tokens of the retired key still verify
  EXPECT_EQ(me(http, new_token), 200);

  // Once every token the retired key signed has expired (here: its retirement is moved back
  // past AUTH_ACCESS_TTL plus leeway), it leaves the JWKS and is no longer trusted.
  database.exec(
      "UPDATE signing_keys SET retired_at = retired_at - INTERVAL '2 hours' WHERE status = "
      "'retired'");
  EXPECT_EQ(waitForKeyCount(http, 1), std::set<std::string>{new_kid});
  EXPECT_EQ(me(http, old_token), 401);
  EXPECT_EQ(me(http, new_token), 200);
}

TEST(KeysTest, AnInstanceTrustsAKeyAnotherInstanceJustStartedSigningWith) {
  TestDatabase database(false);
  // Periodic reloads far away: only the reload on an unknown kid can explain success.
  AuthdProcess b(database.url(), {{"AUTH_KEY_RELOAD_INTERVAL", "3600"}});
  HttpClient http_b(b.baseUrl());
  const auto old_kids = jwksKids(http_b);
  std::string out;
  ASSERT_EQ(runAuthd({"rotate-keys", "--now"}, database.url(), &out, {{"AUTH_DEV_MODE", "1"}}), 0)
      << out;
  AuthdProcess a(database.url(), {{"AUTH_KEY_RELOAD_INTERVAL", "3600"}});  // starts on the new key
  HttpClient http_a(a.baseUrl());
  auto reg = http_a.postJson(
      "/v1/auth/register",
      {{"email", "two@example.com"}, {"username", "twoinst"}, {"password", kPassword}});
  ASSERT_EQ(reg.status, 201);
  const auto token = reg.json().at("access_token").get<std::string>();
  EXPECT_EQ(old_kids.count(kidOf(token)), 0u);
  EXPECT_EQ(me(http_b, token), 200);  // B reloaded on the unknown kid, within this request
  EXPECT_EQ(jwksKids(http_b).count(kidOf(token)), 1u);
}

// Issue 12, finding 7: `rotate-keys` publishes at once and signs only after
// AUTH_KEY_ACTIVATION_DELAY; the JWKS max-age is AUTH_JWKS_MAX_AGE.
TEST(KeysTest, ARotatedKeyIsPublishedBeforeItSigns) {
  TestDatabase database(false);
  AuthdProcess server(database.url(),
                      {{"AUTH_KEY_RELOAD_INTERVAL", "1"}, {"AUTH_JWKS_MAX_AGE", "120"}});
  HttpClient http(server.baseUrl());
  const auto jwks = http.get("/.well-known/jwks.json");
  EXPECT_EQ(jwks.header("cache-control"), "public, max-age=120");
  auto reg = http.postJson(
      "/v1/auth/register",
      {{"email", "pre@example.com"}, {"username", "prepub"}, {"password", kPassword}});
  ASSERT_EQ(reg.status, 201);
  const auto old_kid = kidOf(reg.json().at("access_token").get<std::string>());

  std::string out;
  ASSERT_EQ(runAuthd({"rotate-keys"}, database.url(), &out,
                     {{"AUTH_DEV_MODE", "1"},
                      {"AUTH_JWKS_MAX_AGE", "120"},
                      {"AUTH_KEY_RELOAD_INTERVAL", "1"}}),
            0)
      << out;
  EXPECT_NE(out.find("AUTH_KEY_ACTIVATION_DELAY 121 s"), std::string::npos) << out;
  const auto kids = waitForKeyCount(http, 2);
  ASSERT_EQ(kids.size(), 2u) << "the new key was not published";
  const auto login = [&] {
    return kidOf(
        http.postJson("/v1/auth/login", {{"email", "pre@example.com"}, {"password", kPassword}})
            .json()
            .at("access_token")
            .get<std::string>());
  };
  EXPECT_EQ(login(), old_kid);  // published, not yet signing

  // The delay has passed (moved back here): the next reload promotes it.
  database.exec("UPDATE signing_keys SET activates_at = now() WHERE status = 'pending'");
  std::string kid = old_kid;
  for (int i = 0; i < 50 && kid == old_kid; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    kid = login();
  }
  EXPECT_NE(kid, old_kid);
  EXPECT_EQ(kids.count(kid), 1u);  // the kid relying services already had
}

// Issue 12, finding 7: after a compromise, `rotate-keys --now` then `revoke-key OLD`: the old
// key's tokens stop working at the next reload and it leaves the JWKS.
TEST(KeysTest, ARevokedKeysTokensAreRefusedAndItLeavesTheJwks) {
  TestDatabase database(false);
  AuthdProcess server(database.url(), {{"AUTH_KEY_RELOAD_INTERVAL", "1"}});
  HttpClient http(server.baseUrl());
  auto reg = http.postJson(
      "/v1/auth/register",
      {{"email", "rev@example.com"}, {"username", "revoked"}, {"password", kPassword}});
  ASSERT_EQ(reg.status, 201);
  const auto stolen = reg.json().at("access_token").get<std::string>();
  const auto old_kid = kidOf(stolen);
  std::string out;
  // A kid is base64url and starts with '-' one time in 64: it goes after `--`, as the help says.
  EXPECT_EQ(runAuthd({"revoke-key", "--", old_kid}, database.url(), &out, {{"AUTH_DEV_MODE", "1"}}),
            1);
  EXPECT_NE(out.find("rotate-keys --now"), std::string::npos) << out;  // not the active key
  ASSERT_EQ(runAuthd({"rotate-keys", "--now"}, database.url(), &out, {{"AUTH_DEV_MODE", "1"}}), 0)
      << out;
  ASSERT_EQ(runAuthd({"revoke-key", "--", old_kid}, database.url(), &out, {{"AUTH_DEV_MODE", "1"}}),
            0)
      << out;
  std::set<std::string> kids = jwksKids(http);
  for (int i = 0; i < 100 && kids.count(old_kid) == 1; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    kids = jwksKids(http);
  }
  ASSERT_EQ(kids.size(), 1u);
  EXPECT_EQ(kids.count(old_kid), 0u);
  EXPECT_EQ(me(http, stolen), 401);
  EXPECT_EQ(http.postJson("/v1/auth/introspect", {{"token", stolen}}).json().at("active"), false);
  EXPECT_EQ(runAuthd({"revoke-key", "no-such-kid"}, database.url(), &out, {{"AUTH_DEV_MODE", "1"}}),
            1);
  EXPECT_EQ(runAuthd({"revoke-key", "--", "-no-such-kid"}, database.url(), &out,
                     {{"AUTH_DEV_MODE", "1"}}),
            1);
  EXPECT_NE(out.find("no signing key has the kid -no-such-kid"), std::string::npos) << out;
}

// Issue 12, finding 7: the digest keys were derived from the master key; `rotate-secrets`
// replaces them with random ones, and every session ends.
TEST(KeysTest, RotateSecretsReplacesTheDigestKeysAndEndsEverySession) {
  TestDatabase database(false);
  std::string access, refresh;
  {
    AuthdProcess before(database.url());
    HttpClient http(before.baseUrl());
    std::tie(access, refresh) = signUp(http, "secrets");
    ASSERT_FALSE(access.empty());
  }
  // Three digest keys and the recovery codes' key exist.
  const auto sealed_before = database.exec("SELECT 1 FROM server_secrets");
  ASSERT_EQ(sealed_before, 4u);
  database.exec("CREATE TABLE secrets_before AS SELECT name, sealed_value FROM server_secrets");
  std::string out;
  ASSERT_EQ(runAuthd({"rotate-secrets"}, database.url(), &out, {{"AUTH_DEV_MODE", "1"}}), 0) << out;
  EXPECT_NE(out.find("restart every instance"), std::string::npos) << out;
  EXPECT_EQ(database.exec("SELECT 1 FROM server_secrets s JOIN secrets_before b USING (name) "
                          "WHERE s.sealed_value <> b.sealed_value"),
            3u);
  // The recovery codes' key stays: a new one would void every user's recovery codes.
  EXPECT_EQ(database.exec("SELECT 1 FROM server_secrets s JOIN secrets_before b USING (name) "
                          "WHERE s.name = 'recovery_code_digest' AND "
                          "s.sealed_value = b.sealed_value"),
            1u);
  AuthdProcess after(database.url());
  HttpClient http(after.baseUrl());
  EXPECT_EQ(me(http, access), 401);  // its session is gone
  EXPECT_EQ(http.postJson("/v1/auth/refresh", {{"refresh_token", refresh}}).status, 401);
  auto login =
      http.postJson("/v1/auth/login", {{"email", "secrets@example.com"}, {"password", kPassword}});
  ASSERT_EQ(login.status, 200);
  EXPECT_EQ(http.postJson("/v1/auth/refresh",
                          {{"refresh_token", login.json().at("refresh_token").get<std::string>()}})
                .status,
            200);
}

TEST(KeysTest, OutsideDevModeTheServiceRefusesToStartWithoutAValidMasterKey) {
  TestDatabase database(false);
  std::string out;
  EXPECT_EQ(
      runAuthd(
          {"serve"}, database.url(), &out,
          {{"AUTH_DEV_MODE", "0"}, {"AUTH_MIGRATE_ON_START", "1"}, {"AUTH_LISTEN", "127.0.0.1:1"}}),
      1);
  EXPECT_NE(out.find("AUTH_MASTER_KEY is not set"), std::string::npos) << out;
  EXPECT_EQ(runAuthd({"serve"}, database.url(), &out,
                     {{"AUTH_DEV_MODE", "0"},
                      {"AUTH_MASTER_KEY", "dG9vIHNob3J0"},
                      {"AUTH_LISTEN", "127.0.0.1:1"}}),
            1);
  EXPECT_NE(out.find("AUTH_MASTER_KEY must be 32 bytes"), std::string::npos) << out;
  EXPECT_EQ(out.find("dG9vIHNob3J0"), std::string::npos) << "the bad value is not echoed";
}

TEST(KeysTest, RotateMasterKeyKeepsSigningKeysAndSessions) {
  TestDatabase database(false);
  std::string access, refresh;
  {
    AuthdProcess before(database.url(), {{"AUTH_DEV_MODE", "0"}, {"AUTH_MASTER_KEY", kMasterA}});
    HttpClient http(before.baseUrl());
    std::tie(access, refresh) = signUp(http, "master");
    ASSERT_FALSE(access.empty());
  }
  std::string out;
  ASSERT_EQ(runAuthd({"rotate-master-key"}, database.url(), &out,
                     {{"AUTH_MASTER_KEY", kMasterA}, {"AUTH_NEW_MASTER_KEY", kMasterB}}),
            0)
      << out;
  EXPECT_EQ(out.find(kMasterB), std::string::npos);
  // The old key no longer opens anything.
  EXPECT_EQ(runAuthd({"serve"}, database.url(), &out,
                     {{"AUTH_MASTER_KEY", kMasterA}, {"AUTH_LISTEN", "127.0.0.1:1"}}),
            1);
  EXPECT_NE(out.find("cannot be unsealed"), std::string::npos) << out;

  AuthdProcess after(database.url(), {{"AUTH_DEV_MODE", "0"}, {"AUTH_MASTER_KEY", kMasterB}});
  HttpClient http(after.baseUrl());
  EXPECT_EQ(me(http, access), 200);  // same signing key
  EXPECT_EQ(http.postJson("/v1/auth/refresh", {{"refresh_token", refresh}}).status,
            200);  // same digest keys
}

}  // namespace
}  // namespace authd::testing
