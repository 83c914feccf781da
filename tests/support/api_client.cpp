#include "api_client.hpp"

#include <gtest/gtest.h>

namespace authd::testing {

nlohmann::json ApiClient::signUp(const std::string& name) {
  auto r = http_.postJson(
      "/v1/auth/register",
      {{"email", name + "@example.com"}, {"username", name}, {"password", kPassword}});
  EXPECT_EQ(r.status, 201) << r.body;
  return r.status == 201 ? r.json() : nlohmann::json::object();
}

nlohmann::json ApiClient::logIn(const std::string& name) {
  auto r = http_.postJson("/v1/auth/login", {{"username", name}, {"password", kPassword}});
  EXPECT_EQ(r.status, 200) << r.body;
  return r.status == 200 ? r.json() : nlohmann::json::object();
}

HttpResponse ApiClient::send(const std::string& method, const std::string& path,
                             const nlohmann::json* body, const Headers& headers) {
  Headers h = headers;
  std::string text;
  if (body != nullptr) {
    h["Content-Type"] = "application/json";
    text = body->dump();
  }
  return http_.request(method, path, body != nullptr ? &text : nullptr, h);
}

Headers ApiClient::bearer(const nlohmann::json& tokens) {
  const auto it = tokens.find("access_token");
  return {{"Authorization",
           "Bearer " + (it != tokens.end() && it->is_string() ? it->get<std::string>() : "")}};
}

void expectGrant(const HttpResponse& r, int status) {
  ASSERT_EQ(r.status, status) << r.body;
  EXPECT_EQ(r.header("content-type"), "application/json");
  EXPECT_EQ(r.header("cache-control"), "no-store");
  const auto j = r.json();
  EXPECT_EQ(j.at("token_type"), "Bearer");
  EXPECT_EQ(j.at("expires_in"), 900);
  EXPECT_EQ(j.at("access_token").get<std::string>().substr(0, 3), "eyJ");
  EXPECT_GE(j.at("refresh_token").get<std::string>().size(), 43u);  // >= 256 bits, base64url
  // A real clock may have ticked between issue and answer.
  EXPECT_LE(j.at("refresh_expires_in").get<long long>(), 30 * 24 * 3600);
  EXPECT_GT(j.at("refresh_expires_in").get<long long>(), 30 * 24 * 3600 - 1000);
  EXPECT_FALSE(j.at("user").contains("password_hash"));
}

void expectProblem(const HttpResponse& r, int status, const std::string& code) {
  EXPECT_EQ(r.status, status) << r.body;
  EXPECT_EQ(r.header("content-type"), "application/problem+json") << r.body;
  EXPECT_FALSE(r.header("x-request-id").empty());
  if (!r.body.empty() && r.body[0] == '{') {
    EXPECT_EQ(r.json().at("code"), code) << r.body;
    EXPECT_EQ(r.json().at("status"), status);
  }
}

}  // namespace authd::testing
