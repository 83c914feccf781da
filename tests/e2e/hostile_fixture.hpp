// The server and helpers of the hostile-input suites (issue 10): a real authd on a fresh
// database, an admin, raw requests, and the check that the service still serves.
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "authd_process.hpp"
#include "http_client.hpp"
#include "raw_http.hpp"
#include "test_database.hpp"

namespace authd::testing {

inline constexpr const char* kPassword = "correct horse battery staple";

struct Case {
  std::string name;
  std::string wire;  // sent as is on a fresh connection
  int status;        // the answer expected
  std::string code;  // its problem code; empty for a success
};

inline std::string post(const std::string& path, const std::string& body,
                        const std::string& headers = {},
                        const std::string& type = "application/json") {
  return rawRequest("POST", path, "Content-Type: " + type + "\r\n" + headers, &body);
}

inline std::string nul(const std::string& a, const std::string& b) {
  return a + std::string(1, '\0') + b;
}

inline std::string deepArray(int depth) {
  return std::string(depth, '[') + std::string(depth, ']');
}

inline std::string chunked(const std::string& path, const std::vector<std::string>& chunks) {
  std::string out = "POST " + path +
                    " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    "Transfer-Encoding: chunked\r\n\r\n";
  for (const auto& c : chunks) {
    char size[16];
    std::snprintf(size, sizeof size, "%zx", c.size());
    out += std::string(size) + "\r\n" + c + "\r\n";
  }
  return out + "0\r\n\r\n";
}

class HostileInputTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    database_ = new TestDatabase(false);
    server_ = new AuthdProcess(database_->url(), {{"AUTH_RATE_LIMIT_PER_IP", "0"},
                                                  {"AUTH_HASH_WAIT_MS", "1000"},
                                                  {"AUTH_HTTP_HEADER_TIMEOUT", "6"},
                                                  {"AUTH_HTTP_BODY_TIMEOUT", "2"}});
    HttpClient http(server_->baseUrl());
    auto reg = http.postJson(
        "/v1/auth/register",
        {{"email", "boss@example.com"}, {"username", "boss"}, {"password", kPassword}});
    if (reg.status != 201) throw std::runtime_error("setup register failed: " + reg.body);
    std::string out;
    if (runAuthd({"grant-role", "boss@example.com", "admin"}, database_->url(), &out) != 0) {
      throw std::runtime_error("grant-role failed: " + out);
    }
    auto login = http.postJson("/v1/auth/login", {{"username", "boss"}, {"password", kPassword}});
    admin_token_ = new std::string(login.json().at("access_token").get<std::string>());
  }
  static void TearDownTestSuite() {
    delete admin_token_;
    delete server_;
    delete database_;
  }

  static RawResponse send(const std::string& wire,
                          std::chrono::milliseconds wait = std::chrono::seconds(5)) {
    RawConnection c(server_->port());
    c.send(wire);
    return c.read(wait);
  }

  // What every answer to hostile input must be: a problem document with a request id.
  static void expectProblem(const RawResponse& r, int status, const std::string& code) {
    ASSERT_EQ(r.status, status) << r.body;
    EXPECT_FALSE(r.header("x-request-id").empty());
    if (status >= 400) {
      EXPECT_EQ(r.header("content-type"), "application/problem+json");
      const auto j = nlohmann::json::parse(r.body);
      EXPECT_EQ(j.at("code"), code);
      EXPECT_EQ(j.at("status"), status);
    }
  }

  // register, login, refresh and /readyz, as a new user each time.
  static void expectServiceWorks() {
    static std::atomic<int> n{0};
    const std::string name = "probe" + std::to_string(n++);
    HttpClient http(server_->baseUrl());
    auto reg = http.postJson(
        "/v1/auth/register",
        {{"email", name + "@example.com"}, {"username", name}, {"password", kPassword}});
    ASSERT_EQ(reg.status, 201) << reg.body;
    auto login = http.postJson("/v1/auth/login", {{"username", name}, {"password", kPassword}});
    ASSERT_EQ(login.status, 200) << login.body;
    auto refresh =
        http.postJson("/v1/auth/refresh", {{"refresh_token", login.json().at("refresh_token")}});
    ASSERT_EQ(refresh.status, 200) << refresh.body;
    ASSERT_EQ(http.get("/readyz").status, 200);
  }

  static std::string bearer() { return "Authorization: Bearer " + *admin_token_ + "\r\n"; }
  static std::string patchMe(const std::string& body) {
    return rawRequest("PATCH", "/v1/users/me", "Content-Type: application/json\r\n" + bearer(),
                      &body);
  }

  inline static TestDatabase* database_ = nullptr;
  inline static AuthdProcess* server_ = nullptr;
  inline static std::string* admin_token_ = nullptr;
};

}  // namespace authd::testing
