#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace authd {

using Bytes = std::vector<std::uint8_t>;

// Port: cryptographically secure random bytes. Implementations must be thread-safe.
class RandomSource {
 public:
  virtual ~RandomSource() = default;
  virtual Bytes bytes(std::size_t count) = 0;
};

}  // namespace authd
