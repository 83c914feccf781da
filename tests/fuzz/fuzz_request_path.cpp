// libFuzzer target: the whole request path -- the HTTP edge, Pistache's parser, the router, the
// route guard, the handlers and the use cases -- of an in-process server wired to the in-memory
// fakes (tests/support/in_process_server.hpp), fed raw bytes over loopback. The fakes refuse NUL
// and invalid UTF-8 the way PostgreSQL does, so a value that slips past the edge's checks into
// the store becomes a 500 here, and any 500 aborts. Every 64 inputs a login must still succeed:
// nothing an input does may outlive its request.
//
// In an input, {AT} becomes a live access token of an ordinary user, {RT} a live refresh token
// of theirs and {ADMIN} an admin's access token, so the fuzzer reaches the Bearer routes.
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include <nlohmann/json.hpp>

#include "in_process_server.hpp"

namespace {

struct Answer {
  int status = 0;
  std::string body;
};

// A last request with a request id of its own: requests on a connection are answered in order,
// so its answer means every request before it has been answered. (Closing our side instead
// would not do: the server drops a connection at EOF, answers in flight too.)
constexpr std::string_view kSentinel =
    "GET /healthz HTTP/1.1\r\nHost: fuzz\r\nX-Request-Id: fuzz-sentinel\r\n\r\n";

// Sends `bytes` and the sentinel on a new connection and reads every answer until the
// sentinel's or a close. An input that leaves a request unfinished swallows the sentinel: after
// `quiet_ms` of silence we close our side, and the server, at EOF, drops the unfinished request and
// closes. Answers are cut by Content-Length, so a body cannot pass for a status line.
std::vector<Answer> exchange(unsigned short port, std::string_view bytes, int quiet_ms = 20) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) std::abort();
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) std::abort();
  const std::string request = std::string(bytes) + std::string(kSentinel);
  std::size_t sent = 0;
  while (sent < request.size()) {
    const auto n = ::send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) break;  // the server refused and closed: fine, read what it said
    sent += static_cast<std::size_t>(n);
  }
  std::string in;
  char buf[16384];
  pollfd p{fd, POLLIN, 0};
  bool half_closed = false;
  while (true) {
    if (::poll(&p, 1, half_closed ? 5000 : quiet_ms) <= 0) {
      if (half_closed) break;
      ::shutdown(fd, SHUT_WR);
      half_closed = true;
      continue;
    }
    const auto n = ::read(fd, buf, sizeof buf);
    if (n <= 0) break;
    in.append(buf, static_cast<std::size_t>(n));
    const auto tail = in.rfind("X-Request-Id: fuzz-sentinel\r\n");
    if (tail != std::string::npos && in.find("\r\n\r\n", tail) != std::string::npos &&
        in.size() >=
            in.find("\r\n\r\n", tail) + 4 + std::string_view(R"({"status":"ok"})").size()) {
      break;
    }
  }
  ::close(fd);

  std::vector<Answer> out;
  std::size_t at = 0;
  while (at < in.size()) {
    const auto head_end = in.find("\r\n\r\n", at);
    if (head_end == std::string::npos || in.compare(at, 9, "HTTP/1.1 ") != 0) break;
    Answer a;
    a.status = std::atoi(in.c_str() + at + 9);
    std::size_t length = 0;
    const auto head = in.substr(at, head_end - at);
    for (const char* name : {"\r\nContent-Length: ", "\r\ncontent-length: "}) {
      const auto h = head.find(name);
      if (h != std::string::npos) length = std::strtoul(head.c_str() + h + 18, nullptr, 10);
    }
    a.body = in.substr(head_end + 4, length);
    out.push_back(std::move(a));
    at = head_end + 4 + length;
  }
  return out;
}

// The liveness probes wait this long for silence: their answers must not be cut off. Generous:
// in CI five sanitized fuzzers share two cores, and a probe cut off by a slow answer would be a
// false "sign-up stopped working" (it was, once, at 3 s).
constexpr int kPatient = 8000;

std::string post(std::string_view path, const std::string& json) {
  return std::string("POST ") + std::string(path) + " HTTP/1.1\r\nHost: fuzz\r\n" +
         "Content-Type: application/json\r\nContent-Length: " + std::to_string(json.size()) +
         "\r\n\r\n" + json;
}

struct World {
  authd::testing::InProcessServer server;
  std::string access, refresh, admin;
  unsigned long inputs = 0;

  World() {
    signUp("fuzzadmin");
    auto* root = server.users().newest();
    root->grantRole("admin", server.clock().now());
    admin = logIn("fuzzadmin").first;
    probe();
  }
  // Login must still work for everyone: a new account signs up and logs in. Its tokens
  // replace {AT} and {RT} (an input may have ended the fuzzer's sessions or account).
  void probe() {
    const std::string name = "zq9probe" + std::to_string(inputs);
    signUp(name);
    std::tie(access, refresh) = logIn(name);
  }
  void signUp(const std::string& name) {
    const auto a =
        exchange(server.port(),
                 post("/v1/auth/register", nlohmann::json{{"email", name + "@example.com"},
                                                          {"username", name},
                                                          {"password", "fuzz fuzz fuzz"}}
                                               .dump()),
                 kPatient);
    if (a.empty() || a[0].status != 201) {
      std::fprintf(stderr, "sign-up stopped working: %s\n",
                   a.empty() ? "no answer" : a[0].body.c_str());
      std::abort();
    }
  }
  // A fresh login: the access and refresh tokens. Aborts when login does not work.
  std::pair<std::string, std::string> logIn(const std::string& name) {
    const auto a =
        exchange(server.port(),
                 post("/v1/auth/login",
                      nlohmann::json{{"username", name}, {"password", "fuzz fuzz fuzz"}}.dump()),
                 kPatient);
    if (a.empty() || a[0].status != 200) {
      std::fprintf(stderr, "login stopped working: %s\n",
                   a.empty() ? "no answer" : a[0].body.c_str());
      std::abort();
    }
    const auto j = nlohmann::json::parse(a[0].body);
    return {j.at("access_token").get<std::string>(), j.at("refresh_token").get<std::string>()};
  }
};

void replaceAll(std::string& s, std::string_view from, const std::string& to) {
  for (auto at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) {
    s.replace(at, from.size(), to);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static auto* world = new World();  // one server for the whole run; never destroyed
  std::string input(reinterpret_cast<const char*>(data), size);
  replaceAll(input, "{AT}", world->access);
  replaceAll(input, "{RT}", world->refresh);
  replaceAll(input, "{ADMIN}", world->admin);
  for (const auto& a : exchange(world->server.port(), input)) {
    if (a.status >= 500 && a.status != 503) {
      std::fprintf(stderr, "status %d: %s\n", a.status, a.body.c_str());
      std::abort();
    }
  }
  if (++world->inputs % 64 == 0) world->probe();
  return 0;
}
