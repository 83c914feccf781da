// RequestFramer: HTTP/1.1 framing in front of Pistache (shared/presentation/request_framer.hpp).
#include "shared/presentation/request_framer.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace authd::http {
namespace {

using Kind = Framed::Kind;

Framed frameAll(RequestFramer& f, const std::string& bytes) {
  f.feed(bytes);
  return f.next();
}

Framed frame(const std::string& bytes, FramerLimits limits = {}) {
  RequestFramer f(limits);
  return frameAll(f, bytes);
}

void expectReject(const Framed& out, ErrorCode code) {
  EXPECT_EQ(out.kind, Kind::Reject);
  EXPECT_EQ(out.error.code, code) << out.error.detail;
  EXPECT_FALSE(out.keep_alive);
}

TEST(RequestFramerTest, ContentLengthRequestBecomesCanonicalWithOnlyTheHeadersAuthdReads) {
  const auto out = frame(
      "POST /v1/auth/login?x=1 HTTP/1.1\r\nHost: a\r\nAccept: */*\r\nUser-Agent: curl/8\r\n"
      "Content-Type: Application/JSON; charset=utf-8\r\nX-Request-Id: abc\r\n"
      "Content-Length: 2\r\n\r\n{}");
  ASSERT_EQ(out.kind, Kind::Request);
  EXPECT_EQ(out.canonical,
            "POST /v1/auth/login?x=1 HTTP/1.1\r\nUser-Agent: curl/8\r\nX-Request-Id: abc\r\n"
            "Content-Type: application/json\r\nContent-Length: 2\r\n\r\n{}");
  EXPECT_EQ(out.method, "POST");
  EXPECT_EQ(out.path, "/v1/auth/login");
  EXPECT_EQ(out.request_id, "abc");
  EXPECT_TRUE(out.keep_alive);
}

TEST(RequestFramerTest, BytesArrivingOneAtATimeMakeTheSameRequest) {
  const std::string wire = "POST /a HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello";
  RequestFramer f;
  for (std::size_t i = 0; i + 1 < wire.size(); ++i) {
    f.feed(wire.substr(i, 1));
    ASSERT_EQ(f.next().kind, Kind::NeedMore) << "after byte " << i;
    EXPECT_TRUE(f.midRequest());
  }
  f.feed(wire.substr(wire.size() - 1));
  const auto out = f.next();
  ASSERT_EQ(out.kind, Kind::Request);
  EXPECT_EQ(out.canonical, "POST /a HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello");
  EXPECT_FALSE(f.midRequest());
}

TEST(RequestFramerTest, ChunkedBodyIsDecodedAndTrailersIgnored) {
  RequestFramer f;
  f.feed("POST /a HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3;ext=1\r\nabc\r\n");
  EXPECT_EQ(f.next().kind, Kind::NeedMore);
  EXPECT_TRUE(f.inBody());
  f.feed("A\r\n0123456789\r\n0\r\nTrailer: x\r\n\r\n");
  const auto out = f.next();
  ASSERT_EQ(out.kind, Kind::Request);
  EXPECT_EQ(out.canonical, "POST /a HTTP/1.1\r\nContent-Length: 13\r\n\r\nabc0123456789");
}

TEST(RequestFramerTest, PipelinedRequestsComeOutInOrder) {
  RequestFramer f;
  f.feed("\r\nGET /one HTTP/1.1\r\n\r\nGET /two HTTP/1.1\r\nConnection: close\r\n\r\nGET /th");
  auto a = f.next(), b = f.next(), c = f.next();
  ASSERT_EQ(a.kind, Kind::Request);
  ASSERT_EQ(b.kind, Kind::Request);
  EXPECT_EQ(a.path, "/one");
  EXPECT_EQ(b.path, "/two");
  EXPECT_TRUE(a.keep_alive);
  EXPECT_FALSE(b.keep_alive);
  EXPECT_EQ(c.kind, Kind::NeedMore);
  EXPECT_TRUE(f.midRequest());
}

TEST(RequestFramerTest, Http10KeepsTheConnectionOnlyWhenAsked) {
  EXPECT_FALSE(frame("GET / HTTP/1.0\r\n\r\n").keep_alive);
  EXPECT_TRUE(frame("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n").keep_alive);
  EXPECT_FALSE(frame("GET / HTTP/1.1\r\nConnection: foo, close\r\n\r\n").keep_alive);
}

TEST(RequestFramerTest, BodiesOverTheLimitAreRefusedBeforeTheyArrive) {
  expectReject(frame("POST /a HTTP/1.1\r\nContent-Length: 65537\r\n\r\n"),
               ErrorCode::PayloadTooLarge);
  expectReject(frame("POST /a HTTP/1.1\r\nContent-Length: 99999999999999999999999\r\n\r\n"),
               ErrorCode::PayloadTooLarge);
  expectReject(frame("POST /a HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n10001\r\n"),
               ErrorCode::PayloadTooLarge);
  // Chunks that add up past the limit.
  std::string wire = "POST /a HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n";
  for (int i = 0; i < 70; ++i) wire += "400\r\n" + std::string(1024, 'x') + "\r\n";
  expectReject(frame(wire), ErrorCode::PayloadTooLarge);
  // Exactly the limit is fine.
  const auto ok =
      frame("POST /a HTTP/1.1\r\nContent-Length: 65536\r\n\r\n" + std::string(65536, 'y'));
  EXPECT_EQ(ok.kind, Kind::Request);
}

TEST(RequestFramerTest, ChunkFramingPastTheRequestLimitIsRefused) {
  FramerLimits limits;
  limits.max_request_bytes = 4096;
  std::string wire = "POST /a HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n";
  for (int i = 0; i < 1000; ++i) wire += "1\r\nx\r\n";  // 6 bytes on the wire per body byte
  expectReject(frame(wire, limits), ErrorCode::PayloadTooLarge);
}

TEST(RequestFramerTest, HeadsOverTheLimitAre431) {
  expectReject(frame("GET / HTTP/1.1\r\nX-Big: " + std::string(20000, 'a')),
               ErrorCode::HeadersTooLarge);
  expectReject(frame("GET / HTTP/1.1\r\nX-Big: " + std::string(20000, 'a') + "\r\n\r\n"),
               ErrorCode::HeadersTooLarge);
}

TEST(RequestFramerTest, MalformedRequestsAre400) {
  using namespace std::string_literals;
  for (const std::string& wire : std::vector<std::string>{
           "GET\r\n\r\n",
           "GET  / HTTP/1.1\r\n\r\n",
           "GET / HTTP/2.0\r\n\r\n",
           "GET / HTTP/1.1 x\r\n\r\n",
           "G(T / HTTP/1.1\r\n\r\n",
           "GET relative HTTP/1.1\r\n\r\n",
           "GET /\x01 HTTP/1.1\r\n\r\n",
           "GET /caf\xc3\xa9 HTTP/1.1\r\n\r\n",
           "GET / HTTP/1.1\r\nNo colon\r\n\r\n",
           "GET / HTTP/1.1\r\nBad name: x\r\n\r\n",
           "GET / HTTP/1.1\r\nX: a\r\n folded\r\n\r\n",
           "GET / HTTP/1.1\r\nX: a\nY: b\r\n\r\n",
           std::string("GET / HTTP/1.1\r\nX: a\0b\r\n\r\n", 26),
           "GET / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\nx",
           "GET / HTTP/1.1\r\nContent-Length: -1\r\n\r\n",
           "POST / HTTP/1.1\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n",
           "POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n",
           "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n",
           "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n",
           "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
           "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabX\r\n",
       }) {
    SCOPED_TRACE(wire);
    expectReject(frame(wire), ErrorCode::BadRequest);
  }
}

TEST(RequestFramerTest, AfterARejectEverythingIsDropped) {
  RequestFramer f;
  expectReject(frameAll(f, "BAD\r\n\r\n"), ErrorCode::BadRequest);
  f.feed("GET / HTTP/1.1\r\n\r\n");
  EXPECT_EQ(f.next().kind, Kind::NeedMore);
}

TEST(RequestFramerTest, MethodsNoRouteServesAreReportedForAllow) {
  const auto out = frame("TRACE /v1/auth/login?a HTTP/1.1\r\nX-Request-Id: r1\r\n\r\n");
  EXPECT_EQ(out.kind, Kind::UnknownMethod);
  EXPECT_EQ(out.method, "TRACE");
  EXPECT_EQ(out.path, "/v1/auth/login");
  EXPECT_EQ(out.request_id, "r1");
  EXPECT_EQ(frame("FOO / HTTP/1.1\r\n\r\n").kind, Kind::UnknownMethod);
  // A HEAD answer must have no body, which the routes cannot know: not served either.
  EXPECT_EQ(frame("HEAD /healthz HTTP/1.1\r\n\r\n").kind, Kind::UnknownMethod);
}

TEST(RequestFramerTest, ChunkLinesAndTrailersHoldNoBareLineBreaksOrControls) {
  const std::string head = "POST /a HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n";
  expectReject(frame(head + "5;\nxx\r\nhello\r\n0\r\n\r\n"), ErrorCode::BadRequest);
  expectReject(frame(head + "5;a=\x01\r\nhello\r\n0\r\n\r\n"), ErrorCode::BadRequest);
  expectReject(frame(head + "0\r\nX: a\nGET /x HTTP/1.1\r\n\r\n"), ErrorCode::BadRequest);
  expectReject(frame(head + "0\r\nnot a field\r\n\r\n"), ErrorCode::BadRequest);
  EXPECT_EQ(frame(head + "5;name=value\r\nhello\r\n0\r\nX-T: 1\r\n\r\n").kind, Kind::Request);
}

TEST(RequestFramerTest, TrailersArriveLineByLineAndAreBoundedLikeAHead) {
  RequestFramer f;
  f.feed("POST /a HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n");
  EXPECT_EQ(f.next().kind, Kind::NeedMore);
  for (int i = 0; i < 100; ++i) {
    f.feed("X-T: 1\r\n");
    ASSERT_EQ(f.next().kind, Kind::NeedMore);
  }
  f.feed("\r\n");
  EXPECT_EQ(f.next().kind, Kind::Request);
  RequestFramer g;
  g.feed("POST /a HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n");
  Framed out;
  for (int i = 0; i < 2000 && out.kind == Kind::NeedMore; ++i) {
    g.feed("X-T: 1234567890\r\n");
    out = g.next();
  }
  expectReject(out, ErrorCode::HeadersTooLarge);
}

TEST(RequestFramerTest, AnyOtherContentTypeBecomesOneThatRoutesRefuse) {
  for (const std::string type : {"application/jsonx", ";;;=", "text/plain", "application/json+x",
                                 "\xff\xfe", "multipart/form-data; boundary=\"x"}) {
    const auto out = frame("POST / HTTP/1.1\r\nContent-Type: " + type + "\r\n\r\n");
    ASSERT_EQ(out.kind, Kind::Request) << type;
    EXPECT_NE(out.canonical.find("Content-Type: application/octet-stream\r\n"), std::string::npos);
  }
  const auto form =
      frame("POST / HTTP/1.1\r\ncontent-type: application/x-www-form-urlencoded\r\n\r\n");
  EXPECT_NE(form.canonical.find("Content-Type: application/x-www-form-urlencoded\r\n"),
            std::string::npos);
}

TEST(RequestFramerTest, ForwardedForLinesCombineInOrder) {
  const auto out = frame(
      "GET / HTTP/1.1\r\nX-Forwarded-For: 1.1.1.1\r\nX-Forwarded-For: 2.2.2.2, 3.3.3.3\r\n\r\n");
  EXPECT_NE(out.canonical.find("X-Forwarded-For: 1.1.1.1, 2.2.2.2, 3.3.3.3\r\n"),
            std::string::npos);
}

TEST(RequestFramerTest, ExpectContinueIsAnsweredBeforeTheBody) {
  RequestFramer f;
  f.feed("POST /a HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n");
  EXPECT_EQ(f.next().kind, Kind::Continue);
  EXPECT_EQ(f.next().kind, Kind::NeedMore);
  f.feed("{}");
  EXPECT_EQ(f.next().kind, Kind::Request);
}

}  // namespace
}  // namespace authd::http
