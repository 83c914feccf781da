// The client address of a request, behind trusted reverse proxies or not (contract, "Running
// several instances"). Written here because it is a few lines over inet_pton and no Debian
// library in the stack parses CIDR lists.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace authd::http {

// One IPv4 or IPv6 network ("127.0.0.0/8", "::1/128", or a bare address for /32 or /128).
class Cidr {
 public:
  // nullopt when `text` is not an address with an optional in-range prefix length.
  static std::optional<Cidr> parse(std::string_view text);
  // True when `address` (textual, as parsed by parseIp) lies in this network.
  bool contains(std::string_view address) const;

 private:
  int family_ = 0;  // AF_INET or AF_INET6
  std::array<unsigned char, 16> bytes_{};
  int prefix_ = 0;
};

// A comma-separated CIDR list; nullopt when any entry is malformed.
std::optional<std::vector<Cidr>> parseCidrList(std::string_view text);

// `text` as a canonical textual IP address (inet_ntop form), or nullopt when it is not one.
std::optional<std::string> parseIp(std::string_view text);

// The client address: the connection's peer, unless `trust_proxy` is on and the peer itself is
// a trusted proxy, in which case it is the right-most X-Forwarded-For entry that is not a
// trusted proxy (the left-most when all are). An entry that is not an IP address stops the walk
// and the peer's address is used: a client can neither pick its rate-limit bucket nor write
// text into audit rows. Thread-safe (pure).
std::string clientAddress(const std::string& peer, const std::optional<std::string>& forwarded_for,
                          bool trust_proxy, const std::vector<Cidr>& trusted);

}  // namespace authd::http
