#pragma once

#include "shared/core/random_source.hpp"

namespace authd {

// libsodium's randombytes_buf: the kernel CSPRNG (getrandom). Thread-safe.
class SodiumRandomSource final : public RandomSource {
 public:
  SodiumRandomSource();  // initialises libsodium; throws if it cannot
  Bytes bytes(std::size_t count) override;
};

}  // namespace authd
