// The one place core touches libsodium: a primitive, not a framework. The contract asks for
// sodium_memcmp, whose loop the compiler cannot turn into an early exit.
#include <sodium.h>

#include "shared/core/encoding.hpp"

namespace authd {

bool constantTimeEqual(const Bytes& a, const Bytes& b) {
  if (a.size() != b.size()) return false;  // lengths are public (fixed-size digests)
  if (a.empty()) return true;
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace authd
