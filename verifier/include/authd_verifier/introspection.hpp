// Strict mode: for services that must see a revoked session at once, ask authd (RFC 7662
// introspection) after the offline check. A short positive cache bounds the load; a bounded
// wait bounds the latency; any failure counts as inactive (fail closed).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace authd::verifier {

struct IntrospectionOptions {
  // The introspection endpoint; when empty, {issuer}/v1/auth/introspect.
  std::string endpoint;
  std::string issuer;
  std::chrono::milliseconds timeout{1000};
  // An active answer is trusted this long (0: ask every time). A revocation is seen once the
  // entry runs out.
  std::chrono::milliseconds positive_ttl{1000};
  std::size_t max_entries = 10000;
};

class Introspection {
 public:
  explicit Introspection(IntrospectionOptions options);
  ~Introspection();
  Introspection(const Introspection&) = delete;
  Introspection& operator=(const Introspection&) = delete;
  // True only when authd answered {"active": true} (or did within positive_ttl).
  bool active(std::string_view token) const;
  std::uint64_t calls() const;  // requests sent to authd (for tests)

 private:
  struct Cache;
  IntrospectionOptions options_;
  std::unique_ptr<Cache> cache_;
};

}  // namespace authd::verifier
