// VerifiedTokenCache: bounded, keyed by a secret digest, and never the reason a token that
// verification would refuse is accepted (the issuer's side is in access_token_verify_test).
#include "features/auth/infrastructure/crypto/verified_token_cache.hpp"

#include <gtest/gtest.h>
#include <sodium.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "fakes/fakes.hpp"
#include "features/auth/infrastructure/crypto/ed25519_access_token_issuer.hpp"

namespace authd {
namespace {

using auth::infrastructure::VerifiedTokenCache;

Secret key(unsigned char fill) { return secretFrom(Bytes(32, fill)); }

VerifiedTokenCache::Entry entry(std::uint64_t generation, const std::string& issuer) {
  VerifiedTokenCache::Entry e;
  e.key_generation = generation;
  e.claims.issuer = issuer;
  return e;
}

TEST(VerifiedTokenCacheTest, AnswersExactlyTheTokensItWasGiven) {
  VerifiedTokenCache cache(64, key(1));
  cache.remember("token-a", entry(7, "a"));
  const auto hit = cache.find("token-a");
  ASSERT_TRUE(hit);
  EXPECT_EQ(hit->key_generation, 7u);
  EXPECT_EQ(hit->claims.issuer, "a");
  EXPECT_FALSE(cache.find("token-b"));
  EXPECT_FALSE(cache.find("token-"));    // a prefix
  EXPECT_FALSE(cache.find("token-a "));  // one byte more
  EXPECT_FALSE(cache.find(std::string("token-a\0", 8)));
}

TEST(VerifiedTokenCacheTest, NeverHoldsMoreThanItsCapacity) {
  VerifiedTokenCache cache(64, key(2));
  for (int i = 0; i < 10000; ++i) cache.remember("token-" + std::to_string(i), entry(1, ""));
  EXPECT_LE(cache.size(), 64u);
  EXPECT_GE(cache.size(), 16u);           // every shard keeps some
  EXPECT_TRUE(cache.find("token-9999"));  // the newest is always kept
}

TEST(VerifiedTokenCacheTest, ZeroCapacityRemembersNothing) {
  VerifiedTokenCache cache(0, key(3));
  cache.remember("token", entry(1, ""));
  EXPECT_FALSE(cache.find("token"));
  EXPECT_EQ(cache.size(), 0u);
}

TEST(VerifiedTokenCacheTest, RefusesAShortKey) {
  EXPECT_THROW(VerifiedTokenCache(8, secretFrom(Bytes(8, 1))), std::invalid_argument);
}

// Through the issuer: what it remembers never outlives the key that verified it, nor the
// token's own times.
class CachedVerificationTest : public ::testing::Test {
 protected:
  auth::infrastructure::SigningKey freshKey(const std::string& kid) {
    Bytes pk(crypto_sign_PUBLICKEYBYTES), sk(crypto_sign_SECRETKEYBYTES);
    crypto_sign_keypair(pk.data(), sk.data());
    return {kid, pk, secretFrom(sk), true, clock_.now(), std::nullopt};
  }

  testing::FakeClock clock_;
  testing::FakeRandomSource random_;
  auth::infrastructure::SigningKey key_ = freshKey("kid-1");
  users::domain::User user_ = users::domain::User::create(
      Uuid::v7(clock_.now(), random_), *users::domain::Email::parse("c@example.com"),
      *users::domain::Username::parse("carol"), std::nullopt, "h", clock_.now());
  auth::infrastructure::Ed25519AccessTokenIssuer issuer_{
      {key_}, {"https://iss", "authd", Seconds(900), Seconds(30)}, random_};
};

TEST_F(CachedVerificationTest, ARememberedTokenIsRefusedOnceItsKeyIsNoLongerTrusted) {
  const auto token = issuer_.issue(user_, Uuid::v7(clock_.now(), random_), clock_.now()).token;
  ASSERT_TRUE(issuer_.verify(token, clock_.now()));
  ASSERT_TRUE(issuer_.verify(token, clock_.now()));  // now from memory
  issuer_.replaceKeys({freshKey("kid-2")});          // kid-1 dropped: no longer trusted
  EXPECT_FALSE(issuer_.verify(token, clock_.now()));
}

TEST_F(CachedVerificationTest, ARememberedTokenStillExpiresAndIsNotValidBeforeItsTime) {
  const auto token = issuer_.issue(user_, Uuid::v7(clock_.now(), random_), clock_.now()).token;
  ASSERT_TRUE(issuer_.verify(token, clock_.now()));
  EXPECT_FALSE(issuer_.verify(token, clock_.now() + Seconds(900 + 30)));
  EXPECT_FALSE(issuer_.verify(token, clock_.now() - Seconds(31)));
  EXPECT_TRUE(issuer_.verify(token, clock_.now() + Seconds(900 + 29)));
}

TEST_F(CachedVerificationTest, AnAlteredCopyOfARememberedTokenIsVerifiedAndRefused) {
  const auto token = issuer_.issue(user_, Uuid::v7(clock_.now(), random_), clock_.now()).token;
  ASSERT_TRUE(issuer_.verify(token, clock_.now()));
  std::string altered = token;
  char& c = altered[altered.size() - 10];  // inside the signature, away from padding bits
  c = c == 'A' ? 'B' : 'A';
  EXPECT_FALSE(issuer_.verify(altered, clock_.now()));
  EXPECT_FALSE(issuer_.verify(token + "x", clock_.now()));
  EXPECT_TRUE(issuer_.verify(token, clock_.now()));
}

// Concurrent repeats: many threads checking the same tokens while the keys are reloaded (the
// periodic reload, same keys) never refuse a good token, and once the signing key is dropped
// every thread refuses them all.
TEST_F(CachedVerificationTest, ConcurrentChecksAndReloadsAgree) {
  std::vector<std::string> tokens;
  for (int i = 0; i < 64; ++i) {
    tokens.push_back(issuer_.issue(user_, Uuid::v7(clock_.now(), random_), clock_.now()).token);
  }
  std::atomic<int> refused{0};
  const auto check = [&] {
    for (int round = 0; round < 20; ++round) {
      for (const auto& t : tokens) {
        if (!issuer_.verify(t, clock_.now())) refused.fetch_add(1);
      }
    }
  };
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) threads.emplace_back(check);
  for (int i = 0; i < 50; ++i) issuer_.replaceKeys({key_});
  for (auto& t : threads) t.join();
  EXPECT_EQ(refused.load(), 0);

  issuer_.replaceKeys({freshKey("kid-3")});
  threads.clear();
  for (int i = 0; i < 4; ++i) threads.emplace_back(check);
  for (auto& t : threads) t.join();
  EXPECT_EQ(refused.load(), 4 * 20 * 64);
}

}  // namespace
}  // namespace authd
