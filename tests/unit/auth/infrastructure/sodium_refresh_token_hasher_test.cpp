// SodiumRefreshTokenHasher: keyed BLAKE2b digests and successors.

#include "features/auth/infrastructure/crypto/sodium_refresh_token_hasher.hpp"

#include <gtest/gtest.h>

namespace authd {
namespace {

TEST(SodiumRefreshTokenHasherTest, KeyedDeterministicAndDistinct) {
  auth::infrastructure::SodiumRefreshTokenHasher h(secretFrom(Bytes(32, 1)),
                                                   secretFrom(Bytes(32, 2)));
  auth::infrastructure::SodiumRefreshTokenHasher other(secretFrom(Bytes(32, 3)),
                                                       secretFrom(Bytes(32, 2)));
  const Bytes secret(32, 9);
  EXPECT_EQ(h.digest(secret), h.digest(secret));
  EXPECT_NE(h.digest(secret), h.successor(secret));
  EXPECT_NE(h.digest(secret), other.digest(secret));
  EXPECT_EQ(h.successor(secret).size(), 32u);
  EXPECT_THROW(auth::infrastructure::SodiumRefreshTokenHasher(secretFrom(Bytes(32, 1)),
                                                              secretFrom(Bytes(32, 1))),
               std::invalid_argument);
}

}  // namespace
}  // namespace authd
