#include "raw_http.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <stdexcept>

#include "http_client.hpp"

namespace authd::testing {

RawConnection::RawConnection(int port) {
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) throw std::runtime_error("socket failed");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd_);
    throw std::runtime_error("connect failed");
  }
}

RawConnection::~RawConnection() {
  if (fd_ >= 0) ::close(fd_);
}

bool RawConnection::send(std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

bool RawConnection::fill(std::chrono::steady_clock::time_point deadline) {
  if (eof_) return false;
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - std::chrono::steady_clock::now());
  if (left.count() <= 0) return false;
  pollfd p{fd_, POLLIN, 0};
  if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
  char buf[65536];
  const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
  if (n <= 0) {
    eof_ = true;
    return false;
  }
  buffer_.append(buf, static_cast<std::size_t>(n));
  return true;
}

RawResponse RawConnection::read(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    const auto head_end = buffer_.find("\r\n\r\n");
    if (head_end != std::string::npos) {
      RawResponse r;
      const std::string head = buffer_.substr(0, head_end);
      const auto sp = head.find(' ');
      r.status = sp == std::string::npos ? -1 : std::atoi(head.c_str() + sp + 1);
      std::size_t at = head.find("\r\n");
      while (at != std::string::npos && at < head.size()) {
        const auto next = head.find("\r\n", at + 2);
        addHeaderLine(
            head.substr(at + 2, next == std::string::npos ? std::string::npos : next - at - 2),
            r.headers);
        at = next;
      }
      if (r.status >= 100 && r.status < 200) {
        buffer_.erase(0, head_end + 4);
        continue;
      }
      const std::size_t length =
          std::stoul(r.header("content-length").empty() ? "0" : r.header("content-length"));
      while (buffer_.size() < head_end + 4 + length) {
        if (!fill(deadline)) return {};
      }
      r.body = buffer_.substr(head_end + 4, length);
      buffer_.erase(0, head_end + 4 + length);
      return r;
    }
    if (!fill(deadline)) return {};
  }
}

bool RawConnection::closedWithin(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!eof_) {
    buffer_.clear();
    if (!fill(deadline) && !eof_) return false;
  }
  return true;
}

std::string rawRequest(std::string_view method, std::string_view target,
                       std::string_view extra_headers, const std::string* body) {
  std::string out;
  out.append(method).append(" ").append(target).append(" HTTP/1.1\r\nHost: 127.0.0.1\r\n");
  out.append(extra_headers);
  if (body != nullptr) out.append("Content-Length: " + std::to_string(body->size()) + "\r\n");
  out.append("\r\n");
  if (body != nullptr) out.append(*body);
  return out;
}

}  // namespace authd::testing
