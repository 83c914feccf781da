#include "shared/presentation/request_framer.hpp"

#include <cctype>

namespace authd::http {
namespace {

constexpr std::size_t kMaxChunkLine = 1024;  // chunk size plus extensions

bool isTchar(unsigned char c) {
  if (std::isalnum(c)) return true;
  for (char t : std::string_view("!#$%&'*+-.^_`|~")) {
    if (c == static_cast<unsigned char>(t)) return true;
  }
  return false;
}

bool isToken(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!isTchar(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view trimOws(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// The methods some route answers (RouteTable registers all of them on every known path).
// HEAD is not one: its answer must have no body, which Pistache's router cannot know.
bool isServedMethod(std::string_view m) {
  return m == "GET" || m == "POST" || m == "PUT" || m == "PATCH" || m == "DELETE" ||
         m == "OPTIONS";
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

// field-value: visible characters, SP, HTAB and obs-text; no other control (NUL, CR, LF, DEL).
bool isFieldValue(std::string_view v) {
  for (char c : v) {
    const auto u = static_cast<unsigned char>(c);
    if ((u < 0x20 && u != '\t') || u == 0x7F) return false;
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
  phase_ = Phase::Dead;
  buffer_.clear();
  buffer_.shrink_to_fit();
  pos_ = 0;
  Framed out = std::move(current_);
  out.kind = Framed::Kind::Reject;
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
    phase_ = Phase::Dead;
    buffer_.clear();
    Framed out = std::move(current_);
    out.kind = Framed::Kind::UnknownMethod;
    out.keep_alive = false;
    out.error = Error{ErrorCode::MethodNotAllowed, "This method is not served."};
    current_ = Framed{};
    return out;
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

std::size_t RequestFramer::lineEndSoFar(std::size_t found) const {
  if (found != std::string::npos) return found;
  // Not found yet: the line is at least this long, and a trailing CR may begin its CRLF.
  return !buffer_.empty() && buffer_.back() == '\r' ? buffer_.size() - 1 : buffer_.size();
}

Framed RequestFramer::readBody() {
  if (!chunked_) {
    if (buffer_.size() - pos_ < content_length_) return {};
    body_.assign(buffer_, pos_, content_length_);
    pos_ += content_length_;
    return complete();
  }
  // Every bound below is checked at the byte that crosses it, so the outcome never depends on
  // how the input was cut into reads (the http_framer fuzzer feeds it whole and in pieces).
  while (true) {
    const auto line_end = buffer_.find("\r\n", pos_);
    const std::size_t known_end = lineEndSoFar(line_end);
    if (known_end - pos_ > kMaxChunkLine) return reject(ErrorCode::BadRequest, "Malformed chunk.");
    if (line_end == std::string::npos) return {};
    const std::string_view line(buffer_.data() + pos_, line_end - pos_);
    // No bare CR, LF or other control in a chunk line: a proxy in front that framed it
    // differently would desynchronise from us.
    if (!isFieldValue(line)) return reject(ErrorCode::BadRequest, "Malformed chunk.");
    std::size_t size = 0, digits = 0;
    for (; digits < line.size(); ++digits) {
      const char c = line[digits];
      int v = -1;
      if (c >= '0' && c <= '9') v = c - '0';
      if (c >= 'a' && c <= 'f') v = c - 'a' + 10;
      if (c >= 'A' && c <= 'F') v = c - 'A' + 10;
      if (v < 0) break;
      if (digits == 8) return reject(ErrorCode::PayloadTooLarge, "The body must be at most 65536 bytes.");
      size = size * 16 + static_cast<std::size_t>(v);
    }
    const auto rest = trimOws(line.substr(digits));
    if (digits == 0 || (!rest.empty() && rest.front() != ';')) {
      return reject(ErrorCode::BadRequest, "Malformed chunk size.");
    }
    if (body_.size() + size > limits_.max_body_bytes) {
      return reject(ErrorCode::PayloadTooLarge, "The body must be at most 65536 bytes.");
    }
    const std::size_t data = line_end + 2;
    if (size == 0) return readTrailers(data);
    // Chunk framing counts too: many tiny chunks must not carry a request past the limit.
    if (data + size + 2 > limits_.max_request_bytes) {
      return reject(ErrorCode::PayloadTooLarge, "The request is too large.");
    }
    if (buffer_.size() < data + size + 2) return {};
    if (buffer_.compare(data + size, 2, "\r\n") != 0) {
      return reject(ErrorCode::BadRequest, "A chunk must end with CRLF.");
    }
    body_.append(buffer_, data, size);
    pos_ = data + size + 2;
  }
}

Framed RequestFramer::readTrailers(std::size_t start) {
  // Trailer fields after the last chunk, up to an empty line: checked like headers, bounded
  // like a head, then dropped. The scan resumes where it stopped.
  std::size_t at = trailers_at_ != 0 ? trailers_at_ : start;
  while (true) {
    const auto end = buffer_.find("\r\n", at);
    const std::size_t known_end = lineEndSoFar(end);
    if (known_end + 2 - start > limits_.max_head_bytes) {
      return reject(ErrorCode::HeadersTooLarge, "The trailer fields are too large.");
    }
    if (end == std::string::npos) break;
    if (end == at) {
      pos_ = end + 2;
      return complete();
    }
    const std::string_view field(buffer_.data() + at, end - at);
    const auto colon = field.find(':');
    if (colon == std::string_view::npos || !isToken(field.substr(0, colon)) ||
        !isFieldValue(field)) {
      return reject(ErrorCode::BadRequest, "Malformed trailer field.");
    }
    at = end + 2;
  }
  trailers_at_ = at;
  return {};
}

Framed RequestFramer::complete() {
  Framed out = std::move(current_);
  out.kind = Framed::Kind::Request;
  out.canonical = std::move(head_out_);
  out.canonical.append("Content-Length: ").append(std::to_string(body_.size())).append("\r\n\r\n");
  out.canonical.append(body_);
  current_ = Framed{};
  head_out_.clear();
  body_.clear();
  phase_ = Phase::Idle;
  return out;
}

}  // namespace authd::http
