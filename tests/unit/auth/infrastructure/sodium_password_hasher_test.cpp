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
  const auto dummy = hasher.dummyHash("nobody@example.com");
  EXPECT_EQ(dummy.substr(0, 24), hasher.hash("x").substr(0, 24));  // same algorithm and cost
  EXPECT_FALSE(hasher.verify(dummy, "anything"));
  EXPECT_EQ(hasher.dummyHash("someone-else"), dummy);  // computed once
}

// Issue 12, finding 9: after the configured cost changes, stored hashes keep their old cost
// until their owners log in; an unknown account must cost what they cost, not the new cost.
TEST(SodiumPasswordHasherTest, DummyHashesFollowTheStoredHashesSettings) {
  auth::infrastructure::SodiumPasswordHasher hasher(2, 16384);  // the new configuration
  const std::string old_setting = "$argon2id$v=19$m=8,t=1,p=1";
  const std::string new_setting = "$argon2id$v=19$m=16,t=2,p=1";
  hasher.matchStoredSettings({{old_setting, 3}});
  EXPECT_EQ(hasher.dummyHash("a@example.com").rfind(old_setting + "$", 0), 0u);

  // A mix: each identifier always gets the same dummy, and both settings are used.
  hasher.matchStoredSettings({{old_setting, 50},
                              {new_setting, 50},
                              {"$argon2id$v=19$m=8,t=1,p=4", 9},
                              {"$2b$10$bcrypt", 9}});
  int old_count = 0;
  for (int i = 0; i < 200; ++i) {
    const std::string id = "user" + std::to_string(i) + "@example.com";
    const auto dummy = hasher.dummyHash(id);
    EXPECT_EQ(hasher.dummyHash(id), dummy);
    const bool old_cost = dummy.rfind(old_setting + "$", 0) == 0;
    EXPECT_TRUE(old_cost || dummy.rfind(new_setting + "$", 0) == 0) << dummy;
    old_count += old_cost;
  }
  EXPECT_GT(old_count, 50);
  EXPECT_LT(old_count, 150);
}

// Two instances (or one after a restart) sharing the pick key give one identifier the same
// cost; a sweep that barely moves the mix keeps it too.
TEST(SodiumPasswordHasherTest, OneIdentifierCostsTheSameOnEveryInstanceAndAcrossSweeps) {
  const std::string a = "$argon2id$v=19$m=8,t=1,p=1";
  const std::string b = "$argon2id$v=19$m=16,t=1,p=1";
  const Secret shared = secretFrom(Bytes(32, 9));
  auth::infrastructure::SodiumPasswordHasher one(1, 8192), two(1, 8192);
  one.setPickKey(*shared);
  two.setPickKey(*shared);
  one.matchStoredSettings({{a, 500}, {b, 500}});
  two.matchStoredSettings({{b, 501}, {a, 499}});  // listed otherwise, one account moved
  const auto settingOf = [](const std::string& hash) {
    return hash.substr(0, hash.rfind('$', hash.rfind('$') - 1));
  };
  for (int i = 0; i < 100; ++i) {
    const std::string id = "who" + std::to_string(i);
    EXPECT_EQ(settingOf(one.dummyHash(id)), settingOf(two.dummyHash(id))) << id;
  }
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
