// authd_verifier end to end, through real processes: authd, and the example notes service
// (examples/notes, built against the installed package) trusting it.
#include <gtest/gtest.h>
#include <sodium.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <fstream>
#include <iterator>
#include <thread>

#include "api_client.hpp"
#include "authd_process.hpp"
#include "shared/core/encoding.hpp"
#include "test_database.hpp"

extern char** environ;

namespace authd::testing {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;

// The example service as a process; stopped (SIGTERM) on destruction.
class NotesProcess {
 public:
  NotesProcess(const std::string& issuer, std::map<std::string, std::string> extra = {}) {
    port_ = freeLoopbackPort();
    std::vector<std::string> vars;
    for (char** e = environ; *e != nullptr; ++e) vars.emplace_back(*e);
    vars.push_back("AUTHD_ISSUER=" + issuer);
    vars.push_back("NOTES_LISTEN=127.0.0.1:" + std::to_string(port_));
    for (const auto& [k, v] : extra) vars.push_back(k + "=" + v);
    std::vector<char*> envp;
    for (auto& v : vars) envp.push_back(v.data());
    envp.push_back(nullptr);
    std::string binary = NOTES_BINARY;
    char* argv[] = {binary.data(), nullptr};
    if (posix_spawn(&pid_, binary.c_str(), nullptr, nullptr, argv, envp.data()) != 0) {
      throw std::runtime_error("cannot start the notes example");
    }
    HttpClient probe(baseUrl());
    for (int i = 0; i < 200; ++i) {
      try {
        if (probe.get("/healthz").status == 200) return;
      } catch (const std::exception&) {
        // not listening yet
      }
      std::this_thread::sleep_for(milliseconds(50));
    }
    stop();  // no destructor runs for a throwing constructor: never leave the child behind
    throw std::runtime_error("the notes example did not start");
  }
  void stop() {
    if (pid_ <= 0) return;
    kill(pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
  }
  ~NotesProcess() { stop(); }
  std::string baseUrl() const { return "http://127.0.0.1:" + std::to_string(port_); }

 private:
  pid_t pid_ = -1;
  int port_ = 0;
};

Headers bearer(const std::string& token) { return {{"Authorization", "Bearer " + token}}; }

class VerifierE2E : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_GE(sodium_init(), 0); }
  TestDatabase database_{false};
};

TEST_F(VerifierE2E, TheExampleAcceptsAuthdsTokensAndRefusesEveryBadOne) {
  AuthdProcess server(database_.url(),
                      {{"AUTH_ISSUER", "http://127.0.0.1:{port}"}, {"AUTH_JWKS_MAX_AGE", "1"}});
  ApiClient api(server.baseUrl());
  NotesProcess notes(server.baseUrl());
  HttpClient client(notes.baseUrl());
  const json tokens = api.signUp("notes1");
  const std::string access = tokens.at("access_token");

  const std::string note = "buy milk";
  auto added = client.request("POST", "/notes", &note, bearer(access));
  ASSERT_EQ(added.status, 201) << added.body;
  EXPECT_EQ(added.json().at("owner"), tokens.at("user").at("id"));
  auto listed = client.get("/notes", bearer(access));
  ASSERT_EQ(listed.status, 200);
  EXPECT_EQ(listed.json().at("notes"), json::array({"buy milk"}));

  // No token, a tampered one, one signed by a foreign key under authd's kid: 401, RFC 6750.
  auto none = client.get("/notes");
  EXPECT_EQ(none.status, 401);
  EXPECT_EQ(none.header("www-authenticate"), "Bearer");  // RFC 6750 3.1: no error without one
  EXPECT_EQ(none.header("content-type"), "application/problem+json");
  std::string tampered = access;
  tampered[tampered.find('.') + 5] ^= 1;
  auto refused = client.get("/notes", bearer(tampered));
  EXPECT_EQ(refused.status, 401);
  EXPECT_EQ(refused.header("www-authenticate"), "Bearer error=\"invalid_token\"");
  unsigned char pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
  crypto_sign_keypair(pk, sk);
  const std::string input = access.substr(0, access.rfind('.'));
  unsigned char sig[crypto_sign_BYTES];
  crypto_sign_detached(sig, nullptr, reinterpret_cast<const unsigned char*>(input.data()),
                       input.size(), sk);
  const std::string foreign = input + "." + base64UrlEncode(sig, sizeof sig);
  EXPECT_EQ(client.get("/notes", bearer(foreign)).status, 401);
  // A role it lacks: 403.
  auto stats = client.get("/admin/stats", bearer(access));
  EXPECT_EQ(stats.status, 403);
  EXPECT_EQ(stats.header("www-authenticate"), "Bearer error=\"insufficient_scope\"");
  std::string out;
  ASSERT_EQ(runAuthd({"grant-role", "notes1@example.com", "admin"}, database_.url(), &out), 0);
  const json admin = api.logIn("notes1");
  EXPECT_EQ(client.get("/admin/stats", bearer(admin.at("access_token"))).status, 200);

  // Another audience: a service configured for "billing" refuses authd's "authd" tokens.
  NotesProcess billing(server.baseUrl(), {{"NOTES_AUDIENCE", "billing"}});
  EXPECT_EQ(HttpClient(billing.baseUrl()).get("/notes", bearer(access)).status, 401);

  // authd down: past the 1 s max-age the refetch fails, and the cached keys keep working.
  server.stop();
  std::this_thread::sleep_for(milliseconds(1500));
  EXPECT_EQ(client.get("/notes", bearer(access)).status, 200);
}

TEST_F(VerifierE2E, AnExpiredTokenIsRefused) {
  AuthdProcess server(database_.url(),
                      {{"AUTH_ISSUER", "http://127.0.0.1:{port}"}, {"AUTH_ACCESS_TTL", "1"}});
  const std::string base = server.baseUrl();
  NotesProcess notes(base, {{"NOTES_LEEWAY", "0"}});
  HttpClient client(notes.baseUrl());
  const std::string access = ApiClient(base).signUp("notes2").at("access_token");
  EXPECT_EQ(client.get("/notes", bearer(access)).status, 200);
  std::this_thread::sleep_for(milliseconds(2100));
  EXPECT_EQ(client.get("/notes", bearer(access)).status, 401);
}

TEST_F(VerifierE2E, StrictModeRefusesATokenRightAfterLogout) {
  AuthdProcess server(database_.url(), {{"AUTH_ISSUER", "http://127.0.0.1:{port}"}});
  const std::string base = server.baseUrl();
  NotesProcess offline(base);
  NotesProcess strict(base, {{"NOTES_STRICT", "1"}, {"NOTES_STRICT_TTL_MS", "0"}});
  ApiClient api(base);
  const json tokens = api.signUp("notes3");
  const std::string access = tokens.at("access_token");
  EXPECT_EQ(HttpClient(strict.baseUrl()).get("/notes", bearer(access)).status, 200);
  const json logout = {{"refresh_token", tokens.at("refresh_token")}};
  ASSERT_EQ(api.send("POST", "/v1/auth/logout", &logout).status, 204);
  EXPECT_EQ(HttpClient(strict.baseUrl()).get("/notes", bearer(access)).status, 401);
  // Offline verification cannot know: it accepts the token until it expires.
  EXPECT_EQ(HttpClient(offline.baseUrl()).get("/notes", bearer(access)).status, 200);
}

// Key pre-publication: with the refetch on an unknown kid turned off, a 2 s JWKS max-age and a
// 4 s activation delay, a rotation fails no request: the service has the new key before it
// signs anything.
TEST_F(VerifierE2E, ARotationFailsNoRequestEvenWithoutRefetchOnUnknownKid) {
  AuthdProcess server(database_.url(), {{"AUTH_ISSUER", "http://127.0.0.1:{port}"},
                                        {"AUTH_JWKS_MAX_AGE", "2"},
                                        {"AUTH_KEY_ACTIVATION_DELAY", "4"},
                                        {"AUTH_KEY_RELOAD_INTERVAL", "1"}});
  const std::string base = server.baseUrl();
  NotesProcess notes(base, {{"NOTES_REFETCH_ON_UNKNOWN_KID", "0"}});
  ApiClient api(base);
  HttpClient client(notes.baseUrl());
  json tokens = api.signUp("notes4");
  const std::string first_kid = json::parse(*base64UrlDecode(
      tokens.at("access_token")
          .get<std::string>()
          .substr(0, tokens.at("access_token").get<std::string>().find('.'))))["kid"];
  std::string out;
  ASSERT_EQ(runAuthd({"rotate-keys"}, database_.url(), &out,
                     {{"AUTH_DEV_MODE", "1"}, {"AUTH_KEY_ACTIVATION_DELAY", "4"}}),
            0)
      << out;
  int requests = 0, failures = 0;
  std::string last_kid = first_kid;
  const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(8);
  while (std::chrono::steady_clock::now() < end) {
    const json refresh = {{"refresh_token", tokens.at("refresh_token")}};
    auto refreshed = api.send("POST", "/v1/auth/refresh", &refresh);
    ASSERT_EQ(refreshed.status, 200) << refreshed.body;
    tokens = refreshed.json();
    const std::string access = tokens.at("access_token");
    last_kid = json::parse(*base64UrlDecode(access.substr(0, access.find('.'))))["kid"];
    ++requests;
    if (client.get("/notes", bearer(access)).status != 200) ++failures;
    std::this_thread::sleep_for(milliseconds(100));
  }
  EXPECT_NE(last_kid, first_kid) << "the new key never started signing";
  EXPECT_GT(requests, 20);
  EXPECT_EQ(failures, 0);
}

// docs/verifying-tokens.md's Python snippet (Debian's python3-jwt), run as written against a
// real token, so the document cannot rot.
TEST_F(VerifierE2E, ThePythonSnippetOfTheDocsVerifiesARealToken) {
  AuthdProcess server(database_.url(), {{"AUTH_ISSUER", "http://127.0.0.1:{port}"}});
  const json tokens = ApiClient(server.baseUrl()).signUp("notes5");
  std::ifstream doc(std::string(AUTHD_SOURCE_DIR) + "/docs/verifying-tokens.md");
  const std::string text((std::istreambuf_iterator<char>(doc)), std::istreambuf_iterator<char>());
  const auto start = text.find("```python\n");
  ASSERT_NE(start, std::string::npos);
  const auto end = text.find("\n```", start + 10);
  const std::string snippet = text.substr(start + 10, end - start - 10);
  char path[] = "/tmp/authd-snippet-XXXXXX.py";
  const int fd = mkstemps(path, 3);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(write(fd, snippet.data(), snippet.size()), static_cast<ssize_t>(snippet.size()));
  close(fd);
  const auto run = [&](const std::string& token, std::string* out) {
    const std::string cmd = "AUTHD_ISSUER='" + server.baseUrl() + "' TOKEN='" + token +
                            "' /usr/bin/python3 " + path + " 2>&1";
    FILE* p = popen(cmd.c_str(), "r");
    char buf[512];
    while (fgets(buf, sizeof buf, p) != nullptr) *out += buf;
    return pclose(p);
  };
  std::string out;
  EXPECT_EQ(run(tokens.at("access_token"), &out), 0) << out;
  EXPECT_EQ(out.rfind(tokens.at("user").at("id").get<std::string>(), 0), 0u) << out;
  std::string tampered = tokens.at("access_token");
  tampered[tampered.find('.') + 5] ^= 1;
  std::string refused;
  EXPECT_NE(run(tampered, &refused), 0) << refused;
  unlink(path);
}

}  // namespace
}  // namespace authd::testing
