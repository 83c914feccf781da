// Key material in libsodium's guarded heap (sodium_malloc): locked against swapping, between
// guard pages, read-only once filled, and wiped when freed. It is never copied: every holder
// shares one allocation through `Secret`.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>

#include "shared/core/random_source.hpp"

namespace authd {

class SecretBytes {
 public:
  // `fill` writes exactly `size` bytes into the guarded buffer, which then becomes read-only.
  // Throws std::bad_alloc when the guarded heap (or the lock limit) is exhausted, and whatever
  // `fill` throws (the buffer is freed and wiped).
  SecretBytes(std::size_t size, const std::function<void(unsigned char*)>& fill);
  ~SecretBytes();
  SecretBytes(const SecretBytes&) = delete;
  SecretBytes& operator=(const SecretBytes&) = delete;

  const unsigned char* data() const { return data_; }
  std::size_t size() const { return size_; }

 private:
  unsigned char* data_;
  std::size_t size_;
};

using Secret = std::shared_ptr<const SecretBytes>;

// A secret filled by `fill`; see SecretBytes.
Secret makeSecret(std::size_t size, const std::function<void(unsigned char*)>& fill);
// A secret holding a copy of `bytes`, for values that arrive as plain bytes (tests; the
// caller wipes its own copy).
Secret secretFrom(const Bytes& bytes);

}  // namespace authd
