// RequestFramer, body half: Content-Length and chunked bodies, trailers, and the canonical
// request handed on. The head half is request_framer.cpp.
#include <string>

#include "shared/presentation/http_syntax.hpp"
#include "shared/presentation/request_framer.hpp"

namespace authd::http {
namespace {

using syntax::isFieldValue;
using syntax::isToken;
using syntax::trimOws;

constexpr std::size_t kMaxChunkLine = 1024;  // chunk size plus extensions

}  // namespace

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
      if (digits == 8)
        return reject(ErrorCode::PayloadTooLarge, "The body must be at most 65536 bytes.");
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
