// libFuzzer target: HTTP/1.1 framing (shared/presentation/request_framer.hpp). Besides not
// crashing, framing must not depend on how TCP cut the bytes: the same input fed whole and fed
// in pieces (cut where the input's first bytes say) must give the same requests and the same
// refusals. Every request handed on must respect the limits and carry a consistent length.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "shared/presentation/request_framer.hpp"

namespace {

using authd::http::Framed;
using authd::http::FramerLimits;
using authd::http::RequestFramer;

FramerLimits limits() {
  FramerLimits l;
  l.max_head_bytes = 512;
  l.max_body_bytes = 1024;
  l.max_request_bytes = 4096;
  return l;
}

// What a framer said, as text, in order, until it asks for more or refuses.
void drain(RequestFramer& f, std::vector<std::string>& out) {
  while (true) {
    Framed r = f.next();
    switch (r.kind) {
      case Framed::Kind::NeedMore:
        return;
      case Framed::Kind::Continue:
        out.push_back("continue");
        break;
      case Framed::Kind::Request:
        out.push_back("request " + r.canonical);
        break;
      case Framed::Kind::UnknownMethod:
        out.push_back("unknown " + r.method + " " + r.path);
        return;
      case Framed::Kind::Reject:
        out.push_back("reject " + std::to_string(static_cast<int>(r.error.code)));
        return;
    }
  }
}

void checkRequest(const std::string& event) {
  if (event.rfind("request ", 0) != 0) return;
  const std::string_view canonical = std::string_view(event).substr(8);
  const auto end = canonical.find("\r\n\r\n");
  if (end == std::string_view::npos) std::abort();
  const auto head = canonical.substr(0, end + 2);
  const auto body = canonical.substr(end + 4);
  if (body.size() > limits().max_body_bytes) std::abort();
  for (std::size_t i = 0; i < head.size(); ++i) {
    const char c = head[i];
    if (c == '\0') std::abort();
    if (c == '\n' && (i == 0 || head[i - 1] != '\r')) std::abort();  // only CRLF line ends
  }
  const std::string length = "Content-Length: " + std::to_string(body.size()) + "\r\n";
  if (head.find(length) == std::string_view::npos) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  const std::size_t step = 1 + data[0] % 17;  // piece size when cutting
  const std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);

  std::vector<std::string> whole_events, piece_events;
  RequestFramer whole(limits());
  whole.feed(input);
  drain(whole, whole_events);

  RequestFramer pieces(limits());
  for (std::size_t at = 0; at < input.size(); at += step) {
    pieces.feed(input.substr(at, step));
    drain(pieces, piece_events);
    if (!piece_events.empty() && (piece_events.back().rfind("reject", 0) == 0 ||
                                  piece_events.back().rfind("unknown", 0) == 0)) {
      break;
    }
  }
  if (whole_events != piece_events) std::abort();
  for (const auto& e : whole_events) checkRequest(e);
  return 0;
}
