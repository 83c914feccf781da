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
