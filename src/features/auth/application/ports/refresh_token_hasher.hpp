#pragma once

#include "shared/core/random_source.hpp"

namespace authd::auth::application {

// Port: keyed hashing of refresh-token secrets under a server-side key.
// digest() is what gets stored; successor() derives the next generation's secret, so a replay
// inside the grace window can be answered with the same new token without storing it.
// Implementations must be thread-safe and deterministic for a given key.
class RefreshTokenHasher {
 public:
  virtual ~RefreshTokenHasher() = default;
  virtual Bytes digest(const Bytes& secret) const = 0;
  virtual Bytes successor(const Bytes& secret) const = 0;
};

}  // namespace authd::auth::application
