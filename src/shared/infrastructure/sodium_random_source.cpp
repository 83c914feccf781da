#include "shared/infrastructure/sodium_random_source.hpp"

#include <sodium.h>

#include <stdexcept>

namespace authd {

SodiumRandomSource::SodiumRandomSource() {
  if (sodium_init() < 0) {
    throw std::runtime_error("libsodium could not be initialised");
  }
}

Bytes SodiumRandomSource::bytes(std::size_t count) {
  Bytes out(count);
  randombytes_buf(out.data(), out.size());
  return out;
}

}  // namespace authd
