#include "shared/presentation/client_address.hpp"

#include <arpa/inet.h>

#include <cstring>

namespace authd::http {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Address bytes of `text`: 4 for IPv4, 16 for IPv6; family 0 when it is neither.
int toBytes(std::string_view text, std::array<unsigned char, 16>& out) {
  // inet_pton reads a C string: an embedded NUL would hide what follows it.
  if (text.empty() || text.size() > 45 || text.find('\0') != std::string_view::npos) return 0;
  const std::string s(text);
  if (inet_pton(AF_INET, s.c_str(), out.data()) == 1) return AF_INET;
  if (inet_pton(AF_INET6, s.c_str(), out.data()) == 1) return AF_INET6;
  return 0;
}

}  // namespace

std::optional<Cidr> Cidr::parse(std::string_view text) {
  text = trim(text);
  const auto slash = text.find('/');
  Cidr c;
  c.family_ = toBytes(text.substr(0, slash), c.bytes_);
  if (c.family_ == 0) return std::nullopt;
  const int max = c.family_ == AF_INET ? 32 : 128;
  c.prefix_ = max;
  if (slash != std::string_view::npos) {
    const auto digits = text.substr(slash + 1);
    if (digits.empty() || digits.size() > 3) return std::nullopt;
    int p = 0;
    for (char ch : digits) {
      if (ch < '0' || ch > '9') return std::nullopt;
      p = p * 10 + (ch - '0');
    }
    if (p > max) return std::nullopt;
    c.prefix_ = p;
  }
  return c;
}

bool Cidr::contains(std::string_view address) const {
  std::array<unsigned char, 16> a{};
  if (toBytes(trim(address), a) != family_) return false;
  const int full = prefix_ / 8, rest = prefix_ % 8;
  if (std::memcmp(a.data(), bytes_.data(), full) != 0) return false;
  if (rest == 0) return true;
  const unsigned char mask = static_cast<unsigned char>(0xFF << (8 - rest));
  return (a[full] & mask) == (bytes_[full] & mask);
}

std::optional<std::vector<Cidr>> parseCidrList(std::string_view text) {
  std::vector<Cidr> out;
  while (!text.empty()) {
    const auto comma = text.find(',');
    auto entry = trim(text.substr(0, comma));
    if (!entry.empty()) {
      auto c = Cidr::parse(entry);
      if (!c) return std::nullopt;
      out.push_back(*c);
    }
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return out;
}

std::optional<std::string> parseIp(std::string_view text) {
  std::array<unsigned char, 16> a{};
  const int family = toBytes(trim(text), a);
  if (family == 0) return std::nullopt;
  char buf[INET6_ADDRSTRLEN];
  if (inet_ntop(family, a.data(), buf, sizeof buf) == nullptr) return std::nullopt;
  return std::string(buf);
}

std::string clientAddress(const std::string& peer, const std::optional<std::string>& forwarded_for,
                          bool trust_proxy, const std::vector<Cidr>& trusted) {
  const auto isTrusted = [&](std::string_view ip) {
    for (const auto& c : trusted) {
      if (c.contains(ip)) return true;
    }
    return false;
  };
  if (!trust_proxy || !forwarded_for || !isTrusted(peer)) return peer;
  std::string_view list = *forwarded_for;
  std::optional<std::string> chosen;
  // Walk from the right: each trusted hop appended the address it saw; the first untrusted one
  // is the client as far as anything we trust can tell.
  while (true) {
    const auto comma = list.rfind(',');
    const auto entry = comma == std::string_view::npos ? list : list.substr(comma + 1);
    auto ip = parseIp(entry);
    if (!ip) return peer;
    chosen = ip;
    if (!isTrusted(*ip) || comma == std::string_view::npos) break;
    list = list.substr(0, comma);
  }
  return *chosen;
}

}  // namespace authd::http
