// Hostile use of connections against the real binary (issue 10): requests left unfinished,
// slow heads, keep-alive, pipelining in bulk, HEAD. Each must end in an answer or a close, and
// the service must keep serving.
#include "hostile_fixture.hpp"

namespace authd::testing {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

// Its own server: these tests wait out request deadlines.
class HostileConnectionTest : public HostileInputTest {};

TEST_F(HostileConnectionTest, PartialRequestsAreTimedOutWith408AndClosed) {
  {
    RawConnection c(server_->port());
    c.send("POST /v1/auth/login HTTP/1.1\r\nHost: x\r\n");  // request line, then silence
    const auto r = c.read(10s);
    expectProblem(r, 408, "request_timeout");
    EXPECT_EQ(r.header("connection"), "close");
    EXPECT_TRUE(c.closedWithin(3s));
  }
  {
    RawConnection c(server_->port());
    c.send(
        "POST /v1/auth/login HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: "
        "50\r\n\r\n{\"user");
    expectProblem(c.read(6s), 408, "request_timeout");  // the 2 s body limit
    EXPECT_TRUE(c.closedWithin(3s));
  }
  expectServiceWorks();
}

TEST_F(HostileConnectionTest, EachRequestOnAConnectionGetsItsOwnHeaderDeadline) {
  RawConnection c(server_->port());
  c.send("GET /healthz HTTP/1.1\r\n");  // the first request's head starts now ...
  std::this_thread::sleep_for(4s);
  c.send("\r\nGET /healthz HTTP/1.1\r\n");  // ... ends 4 s later, and a second one starts
  EXPECT_EQ(c.read().status, 200);
  // The 6 s header limit runs from the second request's first byte, not the first's.
  EXPECT_EQ(c.read(3500ms).status, 0);
  expectProblem(c.read(5s), 408, "request_timeout");
}

TEST_F(HostileConnectionTest, KeepAliveServesTwoRequestsOnOneSocketWithoutAConnectionHeader) {
  RawConnection c(server_->port());
  ASSERT_TRUE(c.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"));
  const auto first = c.read();
  ASSERT_EQ(first.status, 200);
  EXPECT_EQ(first.header("connection"), "");
  ASSERT_TRUE(c.send("GET /.well-known/jwks.json HTTP/1.1\r\nHost: x\r\n\r\n"));
  EXPECT_EQ(c.read().status, 200);
  // Pipelined: both answered, in order.
  ASSERT_TRUE(c.send("GET /healthz HTTP/1.1\r\n\r\nGET /nothing HTTP/1.1\r\n\r\n"));
  EXPECT_EQ(c.read().status, 200);
  EXPECT_EQ(c.read().status, 404);
  // A login (answered from the hashing pool) pipelined before a health check: still in order.
  const std::string login = json{{"username", "boss"}, {"password", kPassword}}.dump();
  ASSERT_TRUE(c.send(post("/v1/auth/login", login) + "GET /nothing HTTP/1.1\r\n\r\n"));
  const auto first_answer = c.read();
  EXPECT_EQ(first_answer.status, 200) << first_answer.body;
  EXPECT_EQ(c.read().status, 404);
  // Asked to close: it says so, and reads no further request.
  ASSERT_TRUE(
      c.send("GET /healthz HTTP/1.1\r\nConnection: close\r\n\r\nGET /nothing HTTP/1.1\r\n\r\n"));
  const auto last = c.read();
  EXPECT_EQ(last.status, 200);
  EXPECT_EQ(last.header("connection"), "Close");
  EXPECT_EQ(c.read(1s).status, 0);
}

TEST_F(HostileConnectionTest, BulkPipeliningWithoutReadingClosesTheConnection) {
  RawConnection c(server_->port());
  std::string burst;
  for (int i = 0; i < 500; ++i) burst += "GET /.well-known/jwks.json HTTP/1.1\r\n\r\n";
  c.send(burst);
  EXPECT_TRUE(c.closedWithin(5s));
  // A few pipelined requests are fine.
  RawConnection d(server_->port());
  d.send("GET /healthz HTTP/1.1\r\n\r\nGET /healthz HTTP/1.1\r\n\r\nGET /healthz HTTP/1.1\r\n\r\n");
  for (int i = 0; i < 3; ++i) EXPECT_EQ(d.read().status, 200);
  expectServiceWorks();
}

TEST_F(HostileConnectionTest, HeadIsRefusedWithoutABodyAndTheConnectionCloses) {
  RawConnection c(server_->port());
  ASSERT_TRUE(c.send("HEAD /healthz HTTP/1.1\r\nHost: x\r\n\r\n"));
  const auto r = c.read();
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(r.header("allow"), "GET");
  EXPECT_EQ(r.header("content-length"), "0");
  EXPECT_TRUE(c.closedWithin(2s));
}

}  // namespace
}  // namespace authd::testing
