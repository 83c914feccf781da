// The contract from a client's side: what the e2e tests (real binary, PostgreSQL) and the
// route-level tests (in-process server, fakes) say to authd, written once.
#pragma once

#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "http_client.hpp"

namespace authd::testing {

using Headers = std::map<std::string, std::string>;

class ApiClient {
 public:
  static constexpr const char* kPassword = "correct horse battery";

  explicit ApiClient(std::string base_url) : http_(std::move(base_url)) {}
  HttpClient& http() { return http_; }

  // Registers `name`@example.com with username `name` and kPassword; the token response
  // (a test failure unless 201).
  nlohmann::json signUp(const std::string& name);
  // Logs `name` in with kPassword; the token response (a test failure unless 200).
  nlohmann::json logIn(const std::string& name);
  // Any request; `body`, when given, is sent as application/json.
  HttpResponse send(const std::string& method, const std::string& path,
                    const nlohmann::json* body = nullptr, const Headers& headers = {});
  // {"Authorization": "Bearer <access_token of tokens>"}
  static Headers bearer(const nlohmann::json& tokens);

 private:
  HttpClient http_;
};

// A test failure unless `r` is a token grant with this status: JSON, no-store, a Bearer EdDSA
// JWT for 900 s, a 256-bit refresh token lasting (at most, and about) 30 days, and a user
// without its hash.
void expectGrant(const HttpResponse& r, int status);

// A test failure unless `r` is a problem+json with this status and code and a request id.
void expectProblem(const HttpResponse& r, int status, const std::string& code);

}  // namespace authd::testing
