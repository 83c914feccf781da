#include <gtest/gtest.h>

#include <odb/exceptions.hxx>

#include "fakes/fakes.hpp"
#include "features/auth/infrastructure/persistence/odb_mfa_repository.hpp"
#include "features/keys/infrastructure/crypto/master_key.hpp"
#include "features/keys/infrastructure/persistence/master_key_rotation.hpp"
#include "features/users/infrastructure/persistence/odb_user_repository.hpp"
#include "matchers.hpp"
#include "shared/infrastructure/odb_unit_of_work.hpp"
#include "test_database.hpp"

namespace authd::testing {
namespace {

namespace ad = auth::domain;
namespace ud = users::domain;
using keys::infrastructure::MasterKey;
using std::chrono::seconds;

constexpr const char* kOtherKey = "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=";

class MfaStoreTest : public ::testing::Test {
 protected:
  MfaStoreTest() {
    user_ =
        ud::User::create(Uuid::v7(clock_.now(), random_), *ud::Email::parse("mfa@example.com"),
                         *ud::Username::parse("mfa"), std::nullopt, "$argon2id$hash", clock_.now());
    auto tx = uow_.begin();
    EXPECT_THAT(users_.add(*user_), IsOk());
    tx->commit();
  }

  template <typename F>
  auto inTx(F&& f) {
    auto tx = uow_.begin();
    if constexpr (std::is_void_v<decltype(f())>) {
      f();
      tx->commit();
    } else {
      auto out = f();
      tx->commit();
      return out;
    }
  }

  TestDatabase database_;
  OdbUnitOfWork uow_{database_.db()};
  users::infrastructure::OdbUserRepository users_{database_.db()};
  auth::infrastructure::OdbMfaRepository mfa_{database_.db()};
  auth::infrastructure::OdbMfaChallengeStore challenges_{database_.db()};
  FakeClock clock_{fromMicros(1'790'000'000'123'457)};
  FakeRandomSource random_;
  std::optional<ud::User> user_;
};

TEST_F(MfaStoreTest, SavesFindsUpdatesAndRemovesTheRecord) {
  const Uuid id = user_->id();
  EXPECT_FALSE(inTx([&] { return mfa_.find(id); }).has_value());
  inTx([&] { mfa_.save(ad::Mfa::begin(id, "sealed-secret", clock_.now())); });
  auto pending = inTx([&] { return mfa_.find(id); });
  ASSERT_TRUE(pending.has_value());
  EXPECT_FALSE(pending->enabled());
  EXPECT_EQ(pending->state().sealed_secret, "sealed-secret");
  EXPECT_FALSE(pending->state().last_step.has_value());
  EXPECT_EQ(pending->state().created_at, clock_.now());

  clock_.advance(seconds(30));
  pending->enable({Bytes{1, 2, 3}, Bytes(32, 0xAB)}, clock_.now());
  pending->acceptStep(59'666'666, clock_.now());
  inTx([&] { mfa_.save(*pending); });  // the update path
  auto enabled = inTx([&] { return mfa_.find(id); });
  ASSERT_TRUE(enabled.has_value());
  EXPECT_TRUE(enabled->enabled());
  EXPECT_EQ(enabled->state().last_step, 59'666'666);
  EXPECT_EQ(enabled->state().recovery_digests,
            (std::vector<Bytes>{Bytes{1, 2, 3}, Bytes(32, 0xAB)}));
  EXPECT_EQ(enabled->state().updated_at, clock_.now());

  inTx([&] { mfa_.remove(id); });
  EXPECT_FALSE(inTx([&] { return mfa_.find(id); }).has_value());
  inTx([&] { mfa_.remove(id); });  // nothing to remove: no error
}

TEST_F(MfaStoreTest, TheUsersFlagRoundTripsWithTheUser) {
  user_->setMfaEnabled(true, clock_.now());
  inTx([&] { EXPECT_THAT(users_.update(*user_), IsOk()); });
  EXPECT_TRUE(inTx([&] { return users_.findById(user_->id()); })->mfaEnabled());
  EXPECT_EQ(database_.exec("SELECT 1 FROM users WHERE mfa_enabled"), 1u);
}

TEST_F(MfaStoreTest, ARecordNeedsALiveUserRowAndAKnownStatus) {
  EXPECT_THROW(
      inTx([&] { mfa_.save(ad::Mfa::begin(Uuid::v7(clock_.now(), random_), "s", clock_.now())); }),
      std::exception);
  EXPECT_THROW(database_.exec("INSERT INTO user_mfa (user_id, status, sealed_secret, created_at, "
                              "updated_at) VALUES ('" +
                              user_->id().toString() + "', 'maybe', 's', now(), now())"),
               std::exception);
}

TEST_F(MfaStoreTest, ChallengesAreFoundByDigestUpdatedAndPruned) {
  auto c = ad::MfaChallenge::issue(Uuid::v7(clock_.now(), random_), user_->id(), Bytes(32, 1),
                                   Bytes(32, 2), clock_.now());
  inTx([&] { challenges_.add(c); });
  EXPECT_FALSE(inTx([&] { return challenges_.findByDigestForUpdate(Bytes(32, 9)); }).has_value());
  auto found = inTx([&] { return challenges_.findByDigestForUpdate(Bytes(32, 1)); });
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->user_id, user_->id());
  EXPECT_EQ(found->password_fingerprint, Bytes(32, 2));
  EXPECT_EQ(found->expires_at, clock_.now() + seconds(300));
  EXPECT_TRUE(found->usableAt(clock_.now()));

  found->recordFailure();
  found->recordFailure();
  found->markUsed(clock_.now());
  inTx([&] { challenges_.update(*found); });
  auto again = inTx([&] { return challenges_.findByDigestForUpdate(Bytes(32, 1)); });
  EXPECT_EQ(again->failures, 2);
  EXPECT_EQ(again->used_at, clock_.now());
  EXPECT_FALSE(again->usableAt(clock_.now()));

  // A second challenge with the same digest is refused by the unique constraint.
  EXPECT_THROW(inTx([&] { challenges_.add(c); }), std::exception);

  EXPECT_EQ(challenges_.pruneBefore(clock_.now() + seconds(299)), 0u);
  EXPECT_EQ(challenges_.pruneBefore(clock_.now() + seconds(301)), 1u);
}

TEST_F(MfaStoreTest, DeletingTheUserRowTakesItsMfaRowsWithIt) {
  inTx([&] { mfa_.save(ad::Mfa::begin(user_->id(), "s", clock_.now())); });
  inTx([&] {
    challenges_.add(ad::MfaChallenge::issue(Uuid::v7(clock_.now(), random_), user_->id(),
                                            Bytes(32, 1), Bytes(32, 2), clock_.now()));
  });
  database_.exec("DELETE FROM users WHERE id = '" + user_->id().toString() + "'");
  EXPECT_EQ(database_.exec("SELECT 1 FROM user_mfa"), 0u);
  EXPECT_EQ(database_.exec("SELECT 1 FROM mfa_challenges"), 0u);
}

TEST_F(MfaStoreTest, RotateMasterKeyResealsTotpSecrets) {
  const MasterKey old_key = MasterKey::developmentKey();
  const MasterKey new_key = *MasterKey::fromBase64(kOtherKey);
  keys::infrastructure::MasterKeySealer old_sealer(old_key, random_);
  const Secret secret = secretFrom(Bytes(20, 0x42));
  inTx([&] {
    mfa_.save(ad::Mfa::begin(user_->id(), old_sealer.sealSecret(*secret), clock_.now()));
  });

  const auto r = keys::infrastructure::rotateMasterKey(database_.db(), old_key, new_key, random_);
  EXPECT_EQ(r.mfa_secrets, 1u);

  const auto sealed = inTx([&] { return mfa_.find(user_->id()); })->state().sealed_secret;
  keys::infrastructure::MasterKeySealer new_sealer(new_key, random_);
  EXPECT_EQ(old_sealer.openSecret(sealed), nullptr);
  const Secret opened = new_sealer.openSecret(sealed);
  ASSERT_NE(opened, nullptr);
  EXPECT_EQ(Bytes(opened->data(), opened->data() + opened->size()), Bytes(20, 0x42));
}

}  // namespace
}  // namespace authd::testing
