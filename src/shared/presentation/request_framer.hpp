// HTTP/1.1 request framing (RFC 9112) in front of Pistache's parser.
//
// Pistache 0.0.5 answers malformed, oversized and chunked requests itself, in plain text and
// without our headers, and never answers a chunked body above a few KiB. So every byte a client
// sends passes through this framer first: it finds where each request ends (Content-Length or
// chunked), enforces the limits, and either rejects the request with a status our handler turns
// into a problem document, or hands on one complete request in a canonical form (Content-Length
// framing, only the headers authd reads, a Content-Type reduced to what the routes compare) that
// Pistache's parser cannot fail on. No Debian library in the stack does this piece alone
// (llhttp and picohttpparser are not packaged for bookworm), and it is small and pure, so it is
// unit-tested byte by byte.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "shared/core/result.hpp"

namespace authd::http {

struct FramerLimits {
  std::size_t max_head_bytes = 16 * 1024;   // request line and headers; more: 431
  std::size_t max_body_bytes = 64 * 1024;   // decoded body; more: 413 (contract)
  std::size_t max_request_bytes = 1 << 20;  // everything on the wire, chunk framing too: 413
};

// What the framer made of the bytes so far.
struct Framed {
  enum class Kind {
    NeedMore,       // no complete request yet
    Continue,       // the head asked for `Expect: 100-continue`: answer 100, then feed on
    Request,        // `canonical` holds one complete request
    UnknownMethod,  // a well-formed request whose method no route serves, HEAD included (405/404)
    Reject,         // a malformed or oversized request: answer `error`, then close
  };
  Kind kind = Kind::NeedMore;
  std::string canonical;   // Request: bytes for Pistache's parser
  std::string method;      // Request, UnknownMethod, and Reject when the line parsed
  std::string path;        // the target without its query (for 405's Allow)
  std::string request_id;  // the client's X-Request-Id when the head parsed (may be unusable)
  bool keep_alive = true;  // Request: whether the connection stays open after the answer
  Error error;             // Reject (and UnknownMethod: MethodNotAllowed)
};

// One connection's framing state. Feed bytes as they arrive, then call next() until it says
// NeedMore: pipelined requests come out one by one. After a Reject it stays rejecting.
// Not thread-safe; one per connection.
class RequestFramer {
 public:
  explicit RequestFramer(FramerLimits limits = {}) : limits_(limits) {}

  void feed(std::string_view bytes);
  Framed next();

  // True while bytes of an unfinished request are buffered (a head or body still arriving).
  bool midRequest() const { return phase_ != Phase::Idle; }
  // True once the head of the unfinished request is complete (its body is arriving).
  bool inBody() const { return phase_ == Phase::Body; }
  // Bytes fed and not yet handed out as requests.
  std::size_t buffered() const { return buffer_.size() - pos_; }

 private:
  enum class Phase { Idle, Head, Body, Dead };

  Framed parseHead(std::size_t head_end);
  Framed readBody();
  Framed readTrailers(std::size_t start);
  // Where the current line ends: `found` (a CRLF's position), or as far as the bytes so far
  // show when it is npos.
  std::size_t lineEndSoFar(std::size_t found) const;
  Framed reject(ErrorCode code, std::string detail);
  // Ends framing on this connection (every later byte is dropped) with an answer of `kind`.
  Framed stop(Framed::Kind kind, ErrorCode code, std::string detail);
  Framed complete();

  FramerLimits limits_;
  Phase phase_ = Phase::Idle;
  std::string buffer_;
  std::size_t pos_ = 0;          // first unconsumed byte of buffer_ (requests start at 0)
  std::size_t scanned_ = 0;      // how far the search for the end of the head has looked
  std::size_t trailers_at_ = 0;  // where the trailer scan resumes (0: not in the trailers)

  // The request being framed.
  Framed current_;
  std::string head_out_;  // canonical request line and headers, without Content-Length
  bool chunked_ = false;
  std::size_t content_length_ = 0;
  std::string body_;
  bool expect_continue_ = false;
  bool continue_sent_ = false;
};

}  // namespace authd::http
