// SodiumPasswordHasher: Argon2id through libsodium.

#include "features/auth/infrastructure/crypto/sodium_password_hasher.hpp"

#include <gtest/gtest.h>
#include <sodium.h>

namespace authd {
namespace {

TEST(SodiumPasswordHasherTest, VerifiesOnlyTheRightPassword) {
  auth::infrastructure::SodiumPasswordHasher hasher(1, 8192);
  const auto h = hasher.hash("correct horse");
  EXPECT_EQ(h.rfind("$argon2id$", 0), 0u);
  EXPECT_TRUE(hasher.verify(h, "correct horse"));
  EXPECT_FALSE(hasher.verify(h, "correct horsf"));
  EXPECT_FALSE(hasher.verify("garbage", "correct horse"));
  EXPECT_NE(hasher.hash("correct horse"), h);  // salted
}

TEST(SodiumPasswordHasherTest, DummyHashIsARealHashAtTheSameCost) {
  auth::infrastructure::SodiumPasswordHasher hasher(1, 8192);
  const auto& dummy = hasher.dummyHash();
  EXPECT_EQ(dummy.substr(0, 24), hasher.hash("x").substr(0, 24));  // same algorithm and cost
  EXPECT_FALSE(hasher.verify(dummy, "anything"));
  EXPECT_EQ(&hasher.dummyHash(), &dummy);
}

TEST(SodiumPasswordHasherTest, RejectsLimitsOutsideLibsodiumBounds) {
  EXPECT_THROW(auth::infrastructure::SodiumPasswordHasher(0, 8192), std::invalid_argument);
  EXPECT_THROW(auth::infrastructure::SodiumPasswordHasher(1, 10), std::invalid_argument);
}

TEST(SodiumPasswordHasherTest, NeedsRehashOnlyForWeakerParametersOrForeignStrings) {
  auth::infrastructure::SodiumPasswordHasher weak(1, 8192);
  auth::infrastructure::SodiumPasswordHasher more_passes(2, 8192);
  auth::infrastructure::SodiumPasswordHasher more_memory(1, 16384);
  const auto h = weak.hash("correct horse");
  EXPECT_FALSE(weak.needsRehash(h));
  EXPECT_TRUE(more_passes.needsRehash(h));
  EXPECT_TRUE(more_memory.needsRehash(h));
  // A hash stronger than the configuration is kept: lowering the setting weakens nothing.
  EXPECT_FALSE(weak.needsRehash(more_passes.hash("correct horse")));
  EXPECT_TRUE(weak.needsRehash("$2b$10$notargon2"));
}

}  // namespace
}  // namespace authd
