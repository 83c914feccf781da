#pragma once

#include <chrono>
#include <map>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace authd::testing {

struct RawResponse {
  int status = 0;                              // 0: no answer within the time given
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  std::string header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? "" : it->second;
  }
  nlohmann::json json() const { return nlohmann::json::parse(body); }
};

// One TCP connection to a loopback port, for sending exactly the bytes a test wants (malformed
// requests, slow requests, pipelining) where a real HTTP client would refuse or tidy them.
class RawConnection {
 public:
  explicit RawConnection(int port);
  ~RawConnection();
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  // False when the peer has closed or reset the connection.
  bool send(std::string_view bytes);
  // Reads one whole response (Content-Length framing; 1xx answers skipped). status 0 when none
  // completes within `timeout`.
  RawResponse read(std::chrono::milliseconds timeout = std::chrono::seconds(5));
  // True when the server closes the connection within `timeout` (reading and dropping bytes).
  bool closedWithin(std::chrono::milliseconds timeout);

 private:
  bool fill(std::chrono::steady_clock::time_point deadline);

  int fd_ = -1;
  std::string buffer_;
  bool eof_ = false;
};

// A whole HTTP/1.1 request: request line, Host, the extra header lines (each ending in CRLF)
// and, when `body` is given, Content-Length and the body.
std::string rawRequest(std::string_view method, std::string_view target,
                       std::string_view extra_headers = {}, const std::string* body = nullptr);

}  // namespace authd::testing
