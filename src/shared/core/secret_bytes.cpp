#include "shared/core/secret_bytes.hpp"

#include <sodium.h>

#include <algorithm>
#include <new>

namespace authd {

SecretBytes::SecretBytes(std::size_t size, const std::function<void(unsigned char*)>& fill)
    : size_(size) {
  if (sodium_init() < 0) throw std::bad_alloc();
  data_ = static_cast<unsigned char*>(sodium_malloc(size == 0 ? 1 : size));
  if (data_ == nullptr) throw std::bad_alloc();
  try {
    fill(data_);
  } catch (...) {
    sodium_free(data_);
    throw;
  }
  sodium_mprotect_readonly(data_);
}

SecretBytes::~SecretBytes() { sodium_free(data_); }  // zeroes it first, read-only or not

Secret makeSecret(std::size_t size, const std::function<void(unsigned char*)>& fill) {
  return std::make_shared<const SecretBytes>(size, fill);
}

Secret secretFrom(const Bytes& bytes) {
  return makeSecret(bytes.size(),
                    [&](unsigned char* out) { std::copy(bytes.begin(), bytes.end(), out); });
}

}  // namespace authd
