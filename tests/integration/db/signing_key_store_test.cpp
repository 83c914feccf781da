#include <gtest/gtest.h>

#include "fakes/fakes.hpp"
#include "features/auth/infrastructure/persistence/odb_signing_key_store.hpp"
#include "test_database.hpp"

namespace authd::testing {
namespace {

using auth::infrastructure::MasterKey;
using auth::infrastructure::OdbSigningKeyStore;

TEST(SigningKeyStoreTest, CreatesOneActiveKeyAndReloadsIt) {
  TestDatabase database;
  FakeClock clock;
  FakeRandomSource random;
  auto master = MasterKey::developmentKey();
  auto first = OdbSigningKeyStore(database.db(), master, random, clock).loadOrCreate();
  auto second = OdbSigningKeyStore(database.db(), master, random, clock).loadOrCreate();
  ASSERT_EQ(first.size(), 1u);
  ASSERT_EQ(second.size(), 1u);
  EXPECT_TRUE(first[0].active);
  EXPECT_EQ(second[0].kid, first[0].kid);
  EXPECT_EQ(second[0].secret_key, first[0].secret_key);
  EXPECT_EQ(first[0].secret_key.size(), 64u);
  // At rest the private half is sealed: its bytes never appear in the row.
  EXPECT_EQ(database.exec("SELECT 1 FROM signing_keys WHERE status = 'active' AND "
                          "sealed_private_key <> '' AND length(sealed_private_key) > 100"),
            1u);
}

TEST(SigningKeyStoreTest, WrongMasterKeyCannotUnseal) {
  TestDatabase database;
  FakeClock clock;
  FakeRandomSource random;
  auto master = MasterKey::developmentKey();
  (void)OdbSigningKeyStore(database.db(), master, random, clock).loadOrCreate();
  auto other = *MasterKey::fromBase64("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=");
  EXPECT_THROW(OdbSigningKeyStore(database.db(), other, random, clock).loadOrCreate(),
               std::runtime_error);
}

}  // namespace
}  // namespace authd::testing
