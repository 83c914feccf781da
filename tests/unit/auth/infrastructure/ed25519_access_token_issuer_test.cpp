// Ed25519AccessTokenIssuer, issuing side: the JWT it signs and the keys it publishes.

#include "features/auth/infrastructure/crypto/ed25519_access_token_issuer.hpp"

#include <gtest/gtest.h>
#include <sodium.h>

#include <nlohmann/json.hpp>

#include "fakes/fakes.hpp"
#include "samples.hpp"
#include "shared/core/encoding.hpp"

namespace authd {
namespace {

using testing::FakeClock;
using testing::FakeRandomSource;
using testing::sampleUser;

class Ed25519IssuerTest : public ::testing::Test {
 protected:
  Ed25519IssuerTest() {
    pk_.resize(crypto_sign_PUBLICKEYBYTES);
    Bytes sk(crypto_sign_SECRETKEYBYTES);
    crypto_sign_keypair(pk_.data(), sk.data());
    keys_.push_back({"kid-1", pk_, secretFrom(sk), true, clock_.now(), std::nullopt});
  }
  FakeClock clock_;
  FakeRandomSource random_;
  Bytes pk_;
  std::vector<auth::infrastructure::SigningKey> keys_;
};

TEST_F(Ed25519IssuerTest, SignsAJwtThatVerifiesWithThePublicKey) {
  auth::infrastructure::Ed25519AccessTokenIssuer issuer(
      keys_, {"https://issuer", "aud-x", Seconds(900)}, random_);
  auto user = sampleUser(clock_, random_);
  const Uuid sid = user.sessions()[0].id();
  const auto token = issuer.issue(user, sid, clock_.now()).token;
  const auto d1 = token.find('.');
  const auto d2 = token.rfind('.');
  ASSERT_NE(d1, d2);
  const auto header = nlohmann::json::parse(base64UrlDecode(token.substr(0, d1)).value());
  EXPECT_EQ(header, (nlohmann::json{{"alg", "EdDSA"}, {"typ", "at+jwt"}, {"kid", "kid-1"}}));
  const auto claims = nlohmann::json::parse(*base64UrlDecode(token.substr(d1 + 1, d2 - d1 - 1)));
  EXPECT_EQ(claims.at("iss"), "https://issuer");
  EXPECT_EQ(claims.at("aud"), "aud-x");
  EXPECT_EQ(claims.at("sub"), user.id().toString());
  EXPECT_EQ(claims.at("sid"), sid.toString());
  EXPECT_EQ(claims.at("exp").get<long long>() - claims.at("iat").get<long long>(), 900);
  EXPECT_EQ(claims.at("nbf"), claims.at("iat"));
  EXPECT_EQ(claims.at("roles"), nlohmann::json::array({"admin", "user"}));
  EXPECT_EQ(claims.at("email"), "a@example.com");
  EXPECT_EQ(claims.at("username"), "alice");
  EXPECT_EQ(claims.at("email_verified"), false);
  EXPECT_EQ(claims.at("amr"), nlohmann::json::array({"pwd"}));
  EXPECT_TRUE(claims.contains("jti"));
  const auto sig = *base64UrlDecode(token.substr(d2 + 1));
  const std::string signing_input = token.substr(0, d2);
  EXPECT_EQ(crypto_sign_verify_detached(
                sig.data(), reinterpret_cast<const unsigned char*>(signing_input.data()),
                signing_input.size(), pk_.data()),
            0);
  EXPECT_NE(issuer.issue(user, sid, clock_.now()).token, token);  // unique jti
}

TEST_F(Ed25519IssuerTest, AmrFollowsTheSessionsMethodsAndVerifyReadsItBack) {
  auth::infrastructure::Ed25519AccessTokenIssuer issuer(
      keys_, {"https://issuer", "aud-x", Seconds(900)}, random_);
  auto user = sampleUser(clock_, random_);
  users::domain::SessionPolicy policy;
  const Uuid sid = Uuid::v7(clock_.now(), random_);
  user.openSession(users::domain::Session::open(sid, Bytes(32, 1), clock_.now(), policy, "", "",
                                                users::domain::AuthMethods::PasswordAndOtp),
                   clock_.now(), policy);
  const auto otp = issuer.verify(issuer.issue(user, sid, clock_.now()).token, clock_.now());
  ASSERT_TRUE(otp.has_value());
  EXPECT_EQ(otp->amr, (std::vector<std::string>{"pwd", "otp"}));
  const auto pwd =
      issuer.verify(issuer.issue(user, user.sessions()[0].id(), clock_.now()).token, clock_.now());
  ASSERT_TRUE(pwd.has_value());
  EXPECT_EQ(pwd->amr, (std::vector<std::string>{"pwd"}));
}

TEST_F(Ed25519IssuerTest, PublishesEveryKeyAndNeedsExactlyOneActive) {
  keys_.push_back({"kid-0", Bytes(32, 5), {}, false, clock_.now(), clock_.now()});
  auth::infrastructure::Ed25519AccessTokenIssuer issuer(keys_, {}, random_);
  const auto pub = issuer.publicKeys();
  ASSERT_EQ(pub.size(), 2u);
  EXPECT_EQ(pub[0].x, base64UrlEncode(pk_));
  keys_[0].active = false;
  EXPECT_THROW(auth::infrastructure::Ed25519AccessTokenIssuer(keys_, {}, random_),
               std::invalid_argument);
}

}  // namespace
}  // namespace authd
