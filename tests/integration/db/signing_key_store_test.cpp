#include <gtest/gtest.h>

#include <set>

#include "fakes/fakes.hpp"
#include "features/auth/infrastructure/mail/odb_mail_outbox.hpp"
#include "features/keys/infrastructure/persistence/master_key_rotation.hpp"
#include "features/keys/infrastructure/persistence/odb_server_secret_store.hpp"
#include "features/keys/infrastructure/persistence/odb_signing_key_store.hpp"
#include "shared/infrastructure/odb_unit_of_work.hpp"
#include "test_database.hpp"

namespace authd::testing {
namespace {

// What a guarded secret holds, for comparisons.
Bytes plain(const Secret& s) { return s ? Bytes(s->data(), s->data() + s->size()) : Bytes(); }

using keys::infrastructure::MasterKey;
using keys::infrastructure::OdbServerSecretStore;
using keys::infrastructure::OdbSigningKeyStore;
using std::chrono::seconds;

const char* kOtherKey = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

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
  EXPECT_EQ(plain(second[0].secret_key), plain(first[0].secret_key));
  EXPECT_EQ(plain(first[0].secret_key).size(), 64u);
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

TEST(SigningKeyStoreTest, RotationPublishesTheRetiredKeyUntilItsTokensHaveExpired) {
  TestDatabase database;
  FakeClock clock;
  FakeRandomSource random;
  auto master = MasterKey::developmentKey();
  OdbSigningKeyStore store(database.db(), master, random, clock, seconds(930));
  const auto first = store.loadOrCreate();
  ASSERT_EQ(first.size(), 1u);
  clock.advance(seconds(100));
  const auto rotation = store.rotate(Seconds(0));
  EXPECT_EQ(rotation.retired_kid, first[0].kid);
  EXPECT_NE(rotation.new_kid, first[0].kid);
  EXPECT_EQ(rotation.pruned, 0u);

  auto both = store.loadOrCreate();
  ASSERT_EQ(both.size(), 2u);
  for (const auto& k : both) {
    if (k.kid == rotation.new_kid) {
      EXPECT_TRUE(k.active);
      EXPECT_EQ(plain(k.secret_key).size(), 64u);
    } else {
      EXPECT_EQ(k.kid, first[0].kid);
      EXPECT_FALSE(k.active);
      EXPECT_EQ(k.secret_key, nullptr);  // a retired key only verifies
      EXPECT_EQ(k.retired_at, clock.now());
    }
  }
  clock.advance(seconds(929));
  EXPECT_EQ(store.loadOrCreate().size(), 2u);  // a token signed just before still verifies
  clock.advance(seconds(1));
  const auto later = store.loadOrCreate();
  ASSERT_EQ(later.size(), 1u);  // every token it signed has expired: it drops out
  EXPECT_EQ(later[0].kid, rotation.new_kid);
  // The next rotation deletes the expired row; only the active and the just-retired remain.
  EXPECT_EQ(store.rotate(Seconds(0)).pruned, 1u);
  EXPECT_EQ(database.exec("SELECT 1 FROM signing_keys"), 2u);
  EXPECT_EQ(database.exec("SELECT 1 FROM signing_keys WHERE status = 'active'"), 1u);
}

// One store over a fresh database, a fake clock and the development master key.
class SigningKeyLifecycleTest : public ::testing::Test {
 protected:
  TestDatabase database;
  FakeClock clock;
  FakeRandomSource random;
  MasterKey master = MasterKey::developmentKey();
  OdbSigningKeyStore store{database.db(), master, random, clock, seconds(930)};
};

// Issue 12, finding 7: a rotated key is published at once and signs only after the delay, so
// a relying service that cached the JWKS never meets an unknown kid.
TEST_F(SigningKeyLifecycleTest, ARotatedKeyIsPublishedAtOnceAndSignsAfterTheDelay) {
  const auto first = store.loadOrCreate();
  const auto rotation = store.rotate(seconds(360));
  EXPECT_TRUE(rotation.retired_kid.empty());
  EXPECT_EQ(rotation.activates_at, clock.now() + seconds(360));
  const auto published = store.loadOrCreate();
  ASSERT_EQ(published.size(), 2u);
  for (const auto& k : published) {
    if (k.kid == rotation.new_kid) {
      EXPECT_FALSE(k.active);            // published, not signing
      EXPECT_EQ(k.secret_key, nullptr);  // and not unsealed before it signs
    } else {
      EXPECT_TRUE(k.active);
      EXPECT_EQ(k.kid, first[0].kid);
    }
  }
  clock.advance(seconds(359));
  for (const auto& k : store.loadOrCreate()) EXPECT_EQ(k.active, k.kid == first[0].kid);
  clock.advance(seconds(1));
  const auto switched = store.loadOrCreate();
  ASSERT_EQ(switched.size(), 2u);
  for (const auto& k : switched) {
    EXPECT_EQ(k.active, k.kid == rotation.new_kid);
    if (k.active) {
      EXPECT_EQ(plain(k.secret_key).size(), 64u);
    } else {
      EXPECT_EQ(k.retired_at, clock.now());  // the old key retires then, not before
    }
  }
}

TEST_F(SigningKeyLifecycleTest, RotatingNowSignsAtOnceAndReplacesAPendingKey) {
  const auto first = store.loadOrCreate();
  const auto pending = store.rotate(seconds(360));
  const auto now = store.rotate(Seconds(0));
  EXPECT_EQ(now.replaced_kid, pending.new_kid);  // it never signed: gone
  EXPECT_EQ(now.retired_kid, first[0].kid);
  std::set<std::string> kids;
  for (const auto& k : store.loadOrCreate()) {
    kids.insert(k.kid);
    EXPECT_EQ(k.active, k.kid == now.new_kid);
  }
  EXPECT_EQ(kids, (std::set<std::string>{first[0].kid, now.new_kid}));
}

TEST_F(SigningKeyLifecycleTest, ARevokedKeyLeavesTheKeySetAndTheActiveKeyCannotBeRevoked) {
  const auto first = store.loadOrCreate();
  using R = OdbSigningKeyStore::Revocation;
  EXPECT_EQ(store.revoke(first[0].kid), R::Active);
  const auto rotation = store.rotate(Seconds(0));
  EXPECT_EQ(store.revoke(first[0].kid), R::Revoked);
  EXPECT_EQ(store.revoke(first[0].kid), R::AlreadyRevoked);
  // Nothing of it is kept to leak: the sealed private half is gone.
  EXPECT_EQ(database.exec("SELECT 1 FROM signing_keys WHERE kid = '" + first[0].kid +
                          "' AND sealed_private_key = ''"),
            1u);
  EXPECT_EQ(store.revoke("no-such-kid"), R::Unknown);
  const auto keys = store.loadOrCreate();
  ASSERT_EQ(keys.size(), 1u);  // retired keys stay until their tokens expire; revoked ones not
  EXPECT_EQ(keys[0].kid, rotation.new_kid);
  // A pending key can be revoked too: it is never published again and never signs.
  const auto pending = store.rotate(seconds(60));
  EXPECT_EQ(store.revoke(pending.new_kid), R::Revoked);
  clock.advance(seconds(61));
  const auto after = store.loadOrCreate();
  ASSERT_EQ(after.size(), 1u);
  EXPECT_EQ(after[0].kid, rotation.new_kid);
}

TEST(ServerSecretStoreTest, CreatesOnceThenReturnsTheStoredValueSealed) {
  TestDatabase database;
  FakeClock clock;
  FakeRandomSource random;
  auto master = MasterKey::developmentKey();
  OdbServerSecretStore store(database.db(), master, random, clock);
  int made = 0;
  const auto make = [&] {
    ++made;
    return secretFrom(Bytes(32, 0xAB));
  };
  EXPECT_EQ(plain(store.loadOrCreate("refresh_token_digest", make)), Bytes(32, 0xAB));
  EXPECT_EQ(
      plain(store.loadOrCreate("refresh_token_digest", [] { return secretFrom(Bytes(32, 1)); })),
      Bytes(32, 0xAB));
  EXPECT_EQ(made, 1);
  EXPECT_EQ(database.exec("SELECT 1 FROM server_secrets WHERE sealed_value LIKE '%q6ur%'"), 0u);
  auto other = *MasterKey::fromBase64(kOtherKey);
  EXPECT_THROW(OdbServerSecretStore(database.db(), other, random, clock)
                   .loadOrCreate("refresh_token_digest", make),
               std::runtime_error);
}

class MasterKeyRotationTest : public ::testing::Test {
 protected:
  TestDatabase database;
  FakeClock clock;
  FakeRandomSource random;
  MasterKey old_key = MasterKey::developmentKey();
  MasterKey new_key = *MasterKey::fromBase64(kOtherKey);
};

TEST_F(MasterKeyRotationTest, ResealsKeysSecretsAndUnsentMailKeepingTheirValues) {
  OdbSigningKeyStore(database.db(), old_key, random, clock).loadOrCreate();
  OdbSigningKeyStore(database.db(), old_key, random, clock)
      .rotate(Seconds(0));  // one retired, one active
  const auto keys_before = OdbSigningKeyStore(database.db(), old_key, random, clock).loadOrCreate();
  const auto secret =
      OdbServerSecretStore(database.db(), old_key, random, clock)
          .loadOrCreate("refresh_token_digest", [] { return secretFrom(Bytes(32, 9)); });
  keys::infrastructure::MasterKeySealer old_sealer(old_key, random);
  auth::infrastructure::OdbMailOutbox old_outbox(database.db(), old_sealer, random, clock);
  OdbUnitOfWork uow(database.db());
  {
    auto tx = uow.begin();
    old_outbox.enqueue({"to@example.com", "Hi", "link SECRET", "<a>SECRET</a>", std::nullopt});
    tx->commit();
  }

  const auto r = keys::infrastructure::rotateMasterKey(database.db(), old_key, new_key, random);
  EXPECT_EQ(r.signing_keys, 2u);
  EXPECT_EQ(r.secrets, 1u);
  EXPECT_EQ(r.mails, 1u);

  // Everything opens with the new key, with the same values; nothing opens with the old one.
  const auto keys_after = OdbSigningKeyStore(database.db(), new_key, random, clock).loadOrCreate();
  ASSERT_EQ(keys_after.size(), keys_before.size());
  for (const auto& k : keys_after) {
    if (k.active) {
      for (const auto& b : keys_before) {
        if (b.active) {
          EXPECT_EQ(plain(k.secret_key), plain(b.secret_key));
        }
      }
    }
  }
  EXPECT_EQ(
      plain(OdbServerSecretStore(database.db(), new_key, random, clock)
                .loadOrCreate("refresh_token_digest", [] { return secretFrom(Bytes(32, 1)); })),
      plain(secret));
  EXPECT_THROW(OdbSigningKeyStore(database.db(), old_key, random, clock).loadOrCreate(),
               std::runtime_error);
  keys::infrastructure::MasterKeySealer new_sealer(new_key, random);
  auth::infrastructure::OdbMailOutbox new_outbox(database.db(), new_sealer, random, clock);
  const auto claimed = new_outbox.claim(10, seconds(60));
  ASSERT_EQ(claimed.size(), 1u);
  EXPECT_EQ(claimed[0].mail.text, "link SECRET");

  // A re-run finds everything already done and changes nothing.
  const auto again = keys::infrastructure::rotateMasterKey(database.db(), old_key, new_key, random);
  EXPECT_EQ(again.signing_keys + again.secrets + again.mails, 0u);
  EXPECT_EQ(again.already, 4u);
}

TEST_F(MasterKeyRotationTest, SkipsRevokedKeysWhichKeepNoPrivateHalf) {
  OdbSigningKeyStore store(database.db(), old_key, random, clock);
  const auto first = store.loadOrCreate();
  (void)store.rotate(Seconds(0));
  ASSERT_EQ(store.revoke(first[0].kid), OdbSigningKeyStore::Revocation::Revoked);
  const auto r = keys::infrastructure::rotateMasterKey(database.db(), old_key, new_key, random);
  EXPECT_EQ(r.signing_keys, 1u);  // the active one only
  EXPECT_NO_THROW(OdbSigningKeyStore(database.db(), new_key, random, clock).loadOrCreate());
}

TEST_F(MasterKeyRotationTest, ARowSealedByNeitherKeyAbortsTheWholeRotation) {
  auto stranger = *MasterKey::fromBase64("ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj8=");
  OdbSigningKeyStore(database.db(), old_key, random, clock).loadOrCreate();
  OdbServerSecretStore(database.db(), stranger, random, clock)
      .loadOrCreate("login_identifier_digest", [] { return secretFrom(Bytes(32, 3)); });
  EXPECT_THROW(keys::infrastructure::rotateMasterKey(database.db(), old_key, new_key, random),
               std::runtime_error);
  // Rolled back: the signing key still opens with the old key.
  EXPECT_NO_THROW(OdbSigningKeyStore(database.db(), old_key, random, clock).loadOrCreate());
}

}  // namespace
}  // namespace authd::testing
