// Issue 12, finding 1, on PostgreSQL: a password check and the write it authorises run in
// different transactions; a password change committed between them must win.
#include <gtest/gtest.h>
#include <sodium.h>

#include "fakes/fakes.hpp"
#include "features/auth/application/use_cases/account.hpp"
#include "features/auth/application/use_cases/login_user.hpp"
#include "features/auth/infrastructure/crypto/ed25519_access_token_issuer.hpp"
#include "features/auth/infrastructure/crypto/sodium_refresh_token_hasher.hpp"
#include "features/auth/infrastructure/mail/embedded_mail_templates.hpp"
#include "features/auth/infrastructure/mail/odb_mail_outbox.hpp"
#include "features/auth/infrastructure/persistence/odb_account_token_repository.hpp"
#include "features/auth/infrastructure/persistence/odb_login_throttle.hpp"
#include "features/keys/infrastructure/crypto/master_key.hpp"
#include "features/users/infrastructure/persistence/odb_audit_log.hpp"
#include "features/users/infrastructure/persistence/odb_user_repository.hpp"
#include "matchers.hpp"
#include "shared/infrastructure/odb_unit_of_work.hpp"
#include "test_database.hpp"

namespace authd::testing {
namespace {

namespace ud = users::domain;

// A password hasher whose verify() accepts "old password" against "$old", and, once armed,
// lets another transaction change the stored password before it answers: the owner's reset
// lands while the attacker's request is between its check and its write.
class RacingHasher final : public auth::application::PasswordHasher {
 public:
  std::function<void()> during_verify;
  std::string hash(std::string_view password) override { return "$h:" + std::string(password); }
  bool verify(const std::string& encoded, std::string_view password) override {
    if (during_verify) std::exchange(during_verify, nullptr)();
    return encoded == "$old" && password == "old password";
  }
  bool needsRehash(const std::string&) override { return false; }
  std::string dummyHash(std::string_view) override { return dummy_; }

 private:
  std::string dummy_ = "$dummy";
};

class CredentialRaceTest : public ::testing::Test {
 protected:
  CredentialRaceTest() {
    if (sodium_init() < 0) throw std::runtime_error("sodium_init");
    Bytes pk(crypto_sign_PUBLICKEYBYTES), sk(crypto_sign_SECRETKEYBYTES);
    crypto_sign_keypair(pk.data(), sk.data());
    issuer_.emplace(
        std::vector<keys::domain::SigningKey>{{"k", pk, secretFrom(sk), true, clock_.now(), {}}},
        auth::infrastructure::AccessTokenConfig{}, random_);
    tokens_.emplace(random_, refresh_hasher_, *issuer_, policy_);
    auto user =
        ud::User::create(Uuid::v7(clock_.now(), random_), *ud::Email::parse("o@example.com"),
                         *ud::Username::parse("owner"), std::nullopt, "$old", clock_.now());
    auto tx = uow_.begin();
    EXPECT_THAT(users_.add(user), IsOk());
    tx->commit();
    id_ = user.id();
  }
  // The owner's reset, in a transaction of its own, committed.
  void ownerResetsThePassword() {
    auto tx = uow_.begin();
    auto user = users_.findById(id_);
    user->changePasswordHash("$new", clock_.now());
    user->revokeAllSessions(clock_.now(), std::nullopt);
    EXPECT_THAT(users_.update(*user), IsOk());
    tx->commit();
  }
  std::optional<ud::User> stored() {
    auto tx = uow_.begin();
    return users_.findById(id_);
  }

  TestDatabase database_;
  OdbUnitOfWork uow_{database_.db()};
  users::infrastructure::OdbUserRepository users_{database_.db()};
  users::infrastructure::OdbAuditLog audit_log_{database_.db()};
  auth::infrastructure::OdbLoginThrottle throttle_{database_.db(), secretFrom(Bytes(32, 3))};
  FakeClock clock_;
  FakeRandomSource random_;
  RacingHasher hasher_;
  auth::infrastructure::SodiumRefreshTokenHasher refresh_hasher_{secretFrom(Bytes(32, 1)),
                                                                 secretFrom(Bytes(32, 2))};
  ud::SessionPolicy policy_;
  std::optional<auth::infrastructure::Ed25519AccessTokenIssuer> issuer_;
  std::optional<auth::application::SessionTokens> tokens_;
  users::application::AuditTrail audit_{audit_log_, clock_, random_};
  keys::infrastructure::MasterKey master_ = keys::infrastructure::MasterKey::developmentKey();
  keys::infrastructure::MasterKeySealer sealer_{master_, random_};
  auth::infrastructure::OdbMailOutbox outbox_{database_.db(), sealer_, random_, clock_};
  auth::infrastructure::EmbeddedMailTemplates templates_{"https://app.example.com"};
  auth::infrastructure::OdbAccountTokenRepository account_tokens_{database_.db()};
  Uuid id_;
};

TEST_F(CredentialRaceTest, ALoginWithThePasswordJustResetGetsNoSession) {
  auth::application::LoginUser login{uow_, users_, hasher_, *tokens_, audit_, clock_, throttle_};
  hasher_.during_verify = [this] { ownerResetsThePassword(); };
  EXPECT_THAT(login.execute({std::nullopt, std::string("owner"), "old password", {}}),
              HasError(ErrorCode::InvalidCredentials));
  const auto after = stored();
  ASSERT_TRUE(after.has_value());
  EXPECT_TRUE(after->sessions().empty());
  EXPECT_EQ(after->passwordHash(), "$new");
}

TEST_F(CredentialRaceTest, APasswordChangeWithThePasswordJustResetChangesNothing) {
  // The attacker holds a live session and the old password.
  auth::application::LoginUser login{uow_, users_, hasher_, *tokens_, audit_, clock_, throttle_};
  auto grant = login.execute({std::nullopt, std::string("owner"), "old password", {}});
  ASSERT_THAT(grant, IsOk());
  const auto sid = auth::domain::RefreshToken::decode(grant->refresh_token)->session_id;
  auth::application::ChangePassword change{
      uow_,      users_,  hasher_,    audit_,         clock_, ud::PasswordPolicy::standard(),
      throttle_, outbox_, templates_, account_tokens_};
  hasher_.during_verify = [this] { ownerResetsThePassword(); };
  const auto r = change.execute({id_, sid, "old password", "attacker's new pass", {}});
  ASSERT_FALSE(r.has_value());
  // The reset ended the attacker's session too: either answer refuses.
  EXPECT_TRUE(r.error().code == ErrorCode::InvalidCredentials ||
              r.error().code == ErrorCode::Unauthorized);
  EXPECT_EQ(stored()->passwordHash(), "$new");
  // Nothing of the refused change was written: no notice either.
  EXPECT_TRUE(outbox_.claim(10, std::chrono::seconds(60)).empty());
}

}  // namespace
}  // namespace authd::testing
