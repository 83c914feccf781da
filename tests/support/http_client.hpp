#pragma once

#include <map>
#include <string>

#include <nlohmann/json.hpp>

namespace authd::testing {

struct HttpResponse {
  long status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  nlohmann::json json() const { return nlohmann::json::parse(body); }
  std::string header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? "" : it->second;
  }
};

// Adds one "Name: value" header line (CRLF optional) to `headers` under its lower-case name.
void addHeaderLine(const std::string& line, std::map<std::string, std::string>& headers);

// A minimal blocking HTTP/1.1 client over libcurl, for end-to-end tests on loopback.
class HttpClient {
 public:
  explicit HttpClient(std::string base_url) : base_(std::move(base_url)) {}
  HttpResponse get(const std::string& path, const std::map<std::string, std::string>& headers = {});
  HttpResponse post(const std::string& path, const std::string& body,
                    const std::string& content_type = "application/json",
                    const std::map<std::string, std::string>& headers = {});
  HttpResponse postJson(const std::string& path, const nlohmann::json& body) {
    return post(path, body.dump());
  }
  HttpResponse request(const std::string& method, const std::string& path, const std::string* body,
                       const std::map<std::string, std::string>& headers);

 private:
  std::string base_;
};

}  // namespace authd::testing
