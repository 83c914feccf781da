#include "shared/presentation/request_framer.hpp"

#include <cctype>

#include "shared/presentation/http_syntax.hpp"

namespace authd::http {
namespace {

using syntax::isFieldValue;
using syntax::isServedMethod;
using syntax::isToken;
using syntax::trimOws;

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// origin-form only ("/path?query"), visible ASCII: raw bytes above 0x7E or controls never
// reach a route or the database; a client percent-encodes them.
bool isOriginForm(std::string_view t) {
  if (t.empty() || t.front() != '/') return false;
  for (char c : t) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x21 || u > 0x7E) return false;
  }
  return true;
}

// The media type the routes compare, and nothing Pistache's MIME parser could choke on: JSON
// and form bodies keep their type (parameters such as charset dropped), anything else, however
// malformed, becomes a type every JSON route refuses with 415.
std::string canonicalContentType(std::string_view value) {
  const auto semi = value.find(';');
  const std::string type = lower(trimOws(value.substr(0, semi)));
  if (type == "application/json" || type == "application/x-www-form-urlencoded") return type;
  return "application/octet-stream";
}

// Comma-separated tokens of a Connection header, lower-cased.
void connectionOptions(std::string_view v, bool* close, bool* keep_alive) {
  while (!v.empty()) {
    const auto comma = v.find(',');
    const std::string option = lower(trimOws(v.substr(0, comma)));
    if (option == "close") *close = true;
    if (option == "keep-alive") *keep_alive = true;
    if (comma == std::string_view::npos) break;
    v.remove_prefix(comma + 1);
  }
}

}  // namespace

void RequestFramer::feed(std::string_view bytes) {
  if (phase_ == Phase::Dead) return;  // a rejected connection's remaining bytes are dropped
  buffer_.append(bytes);
}

Framed RequestFramer::reject(ErrorCode code, std::string detail) {
  return stop(Framed::Kind::Reject, code, std::move(detail));
}

Framed RequestFramer::stop(Framed::Kind kind, ErrorCode code, std::string detail) {
  phase_ = Phase::Dead;
  buffer_.clear();
  buffer_.shrink_to_fit();
  pos_ = 0;
  Framed out = std::move(current_);
  out.kind = kind;
  out.error = Error{code, std::move(detail)};
  out.keep_alive = false;
  current_ = Framed{};
  return out;
}

Framed RequestFramer::next() {
  if (phase_ == Phase::Dead) return {};
  if (phase_ == Phase::Idle) {
    // Start of a request: drop what earlier requests consumed, and the empty lines RFC 9112
    // lets a client send between requests.
    buffer_.erase(0, pos_);
    pos_ = 0;
    while (pos_ < buffer_.size() && (buffer_[pos_] == '\r' || buffer_[pos_] == '\n')) ++pos_;
    buffer_.erase(0, pos_);
    pos_ = 0;
    if (buffer_.empty()) {
      // An idle connection keeps no large buffer an earlier request needed.
      if (buffer_.capacity() > limits_.max_head_bytes) buffer_.shrink_to_fit();
      return {};
    }
    phase_ = Phase::Head;
    current_ = Framed{};
    head_out_.clear();
    body_.clear();
    chunked_ = false;
    content_length_ = 0;
    expect_continue_ = false;
    continue_sent_ = false;
    scanned_ = 0;
    trailers_at_ = 0;
  }
  if (phase_ == Phase::Head) {
    // Resume the search for the blank line where the last one stopped: a client sending one
    // byte at a time costs linear work, not quadratic.
    const std::size_t from = scanned_ > 3 ? scanned_ - 3 : 0;
    const auto end = buffer_.find("\r\n\r\n", from);
    if (end == std::string::npos) {
      scanned_ = buffer_.size();
      if (buffer_.size() > limits_.max_head_bytes) {
        return reject(ErrorCode::HeadersTooLarge, "The request line and headers are too large.");
      }
      return {};
    }
    if (end + 4 > limits_.max_head_bytes) {
      return reject(ErrorCode::HeadersTooLarge, "The request line and headers are too large.");
    }
    Framed head = parseHead(end);
    if (head.kind != Framed::Kind::NeedMore) return head;
    pos_ = end + 4;
    phase_ = Phase::Body;
    if (expect_continue_ && (chunked_ || content_length_ > 0) && !continue_sent_) {
      continue_sent_ = true;
      Framed go;
      go.kind = Framed::Kind::Continue;
      return go;
    }
  }
  return readBody();
}

Framed RequestFramer::parseHead(std::size_t head_end) {
  const std::string_view head(buffer_.data(), head_end);
  const auto bad = [this](std::string detail) {
    return reject(ErrorCode::BadRequest, std::move(detail));
  };
  std::size_t line_end = head.find("\r\n");
  const std::string_view line = head.substr(0, line_end);

  // request-line = method SP request-target SP HTTP-version
  const auto sp1 = line.find(' ');
  const auto sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos || line.find(' ', sp2 + 1) != std::string_view::npos) {
    return bad("Malformed request line.");
  }
  const auto method = line.substr(0, sp1);
  const auto target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  const auto version = line.substr(sp2 + 1);
  if (!isToken(method) || method.size() > 32) return bad("Malformed request method.");
  current_.method = std::string(method);
  if (!isOriginForm(target) || target.size() > 8192) {
    return bad("The request target must be a path of visible ASCII characters.");
  }
  current_.path = std::string(target.substr(0, target.find('?')));
  if (version != "HTTP/1.1" && version != "HTTP/1.0") return bad("Unsupported HTTP version.");
  const bool http10 = version == "HTTP/1.0";

  bool close = false, keep_alive = false, has_length = false;
  std::string forwarded_for, content_type;
  bool has_forwarded = false;
  std::string kept;  // the headers handed on
  std::size_t at = line_end == std::string_view::npos ? head.size() : line_end + 2;
  while (at < head.size()) {
    line_end = head.find("\r\n", at);
    const auto field =
        head.substr(at, line_end == std::string_view::npos ? head.size() - at : line_end - at);
    at = line_end == std::string_view::npos ? head.size() : line_end + 2;
    if (field.find('\n') != std::string_view::npos || field.find('\r') != std::string_view::npos) {
      return bad("Header lines must end with CRLF.");
    }
    if (!field.empty() && (field.front() == ' ' || field.front() == '\t')) {
      return bad("Folded header lines are not accepted.");
    }
    const auto colon = field.find(':');
    if (colon == std::string_view::npos || !isToken(field.substr(0, colon))) {
      return bad("Malformed header line.");
    }
    const std::string name = lower(field.substr(0, colon));
    const auto value = trimOws(field.substr(colon + 1));
    if (!isFieldValue(value)) return bad("A header value holds a control character.");

    if (name == "content-length") {
      if (has_length) return bad("More than one Content-Length.");
      if (value.empty() || value.size() > 18) {
        if (value.size() > 18)
          return reject(ErrorCode::PayloadTooLarge, "The body must be at most 65536 bytes.");
        return bad("Malformed Content-Length.");
      }
      std::size_t n = 0;
      for (char c : value) {
        if (c < '0' || c > '9') return bad("Malformed Content-Length.");
        n = n * 10 + static_cast<std::size_t>(c - '0');
      }
      has_length = true;
      content_length_ = n;
    } else if (name == "transfer-encoding") {
      if (chunked_ || lower(value) != "chunked") {
        return bad("Only the chunked transfer coding is accepted.");
      }
      chunked_ = true;
    } else if (name == "connection") {
      connectionOptions(value, &close, &keep_alive);
    } else if (name == "expect") {
      expect_continue_ = lower(value) == "100-continue";
    } else if (name == "content-type") {
      if (content_type.empty()) content_type = canonicalContentType(value);
    } else if (name == "x-forwarded-for") {
      // Field lines of one name combine with commas (RFC 9110 5.3); order is kept.
      forwarded_for += (has_forwarded ? ", " : "") + std::string(value);
      has_forwarded = true;
    } else if (name == "authorization" || name == "user-agent" || name == "x-request-id") {
      if (name == "x-request-id" && current_.request_id.empty()) current_.request_id = value;
      kept.append(field.substr(0, colon)).append(": ").append(value).append("\r\n");
    }
    // Every other header is dropped: authd reads none, and Pistache need not parse it.
  }
  if (has_length && chunked_) {
    return bad("Content-Length and Transfer-Encoding must not be sent together.");
  }
  if (chunked_ && http10) return bad("HTTP/1.0 has no chunked transfer coding.");
  current_.keep_alive = http10 ? (keep_alive && !close) : !close;
  if (!isServedMethod(method)) {
    // Answered without reading a body, so the connection closes after the answer.
    return stop(Framed::Kind::UnknownMethod, ErrorCode::MethodNotAllowed,
                "This method is not served.");
  }
  if (content_length_ > limits_.max_body_bytes) {
    return reject(ErrorCode::PayloadTooLarge, "The body must be at most 65536 bytes.");
  }
  head_out_.reserve(line.size() + kept.size() + 128);
  head_out_.append(method).append(" ").append(target).append(" ").append(version).append("\r\n");
  head_out_.append(kept);
  if (!content_type.empty()) head_out_.append("Content-Type: ").append(content_type).append("\r\n");
  if (has_forwarded) head_out_.append("X-Forwarded-For: ").append(forwarded_for).append("\r\n");
  return {};
}

}  // namespace authd::http
