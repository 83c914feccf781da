// Ed25519AccessTokenIssuer, verifying side: authd's own checks of a bearer token.

#include <gtest/gtest.h>
#include <sodium.h>

#include <nlohmann/json.hpp>

#include "fakes/fakes.hpp"
#include "features/auth/infrastructure/crypto/ed25519_access_token_issuer.hpp"
#include "shared/core/encoding.hpp"

namespace authd {
namespace {

using testing::FakeClock;
using testing::FakeRandomSource;

// authd's own token checks (Ed25519AccessTokenIssuer::verify).
class AccessTokenVerifyTest : public ::testing::Test {
 protected:
  AccessTokenVerifyTest() {
    Bytes pk(crypto_sign_PUBLICKEYBYTES), sk(crypto_sign_SECRETKEYBYTES);
    crypto_sign_keypair(pk.data(), sk.data());
    keys_.push_back({"kid-1", pk, secretFrom(sk), true, clock_.now(), std::nullopt});
    user_.emplace(users::domain::User::create(
        Uuid::v7(clock_.now(), random_), *users::domain::Email::parse("v@example.com"),
        *users::domain::Username::parse("victor"), std::nullopt, "h", clock_.now()));
  }
  auth::infrastructure::Ed25519AccessTokenIssuer issuer(std::string iss = "https://iss",
                                                        std::string aud = "authd") {
    return auth::infrastructure::Ed25519AccessTokenIssuer(
        keys_, {iss, aud, Seconds(900), Seconds(30)}, random_);
  }
  // A token with the given header and claims, signed with `key` (Ed25519) as-is.
  std::string forge(const nlohmann::json& header, const nlohmann::json& claims, const Secret& sk) {
    return forge(header, claims, Bytes(sk->data(), sk->data() + sk->size()));
  }
  std::string forge(const nlohmann::json& header, const nlohmann::json& claims, const Bytes& sk) {
    std::string input = base64UrlEncode(header.dump()) + "." + base64UrlEncode(claims.dump());
    unsigned char sig[crypto_sign_BYTES];
    crypto_sign_detached(sig, nullptr, reinterpret_cast<const unsigned char*>(input.data()),
                         input.size(), sk.data());
    return input + "." + base64UrlEncode(sig, sizeof sig);
  }
  nlohmann::json claimsOf(const std::string& token) {
    const auto d1 = token.find('.');
    const auto d2 = token.rfind('.');
    const auto raw = *base64UrlDecode(token.substr(d1 + 1, d2 - d1 - 1));
    return nlohmann::json::parse(raw.begin(), raw.end());
  }

  FakeClock clock_;
  FakeRandomSource random_;
  std::vector<auth::infrastructure::SigningKey> keys_;
  std::optional<users::domain::User> user_;
  Uuid sid_ = Uuid::v7(clock_.now(), random_);
};

TEST_F(AccessTokenVerifyTest, AcceptsItsOwnTokenAndReadsTheClaims) {
  auto iss = issuer();
  const auto token = iss.issue(*user_, sid_, clock_.now()).token;
  auto claims = iss.verify(token, clock_.now());
  ASSERT_TRUE(claims.has_value());
  EXPECT_EQ(claims->subject, user_->id());
  EXPECT_EQ(claims->session, sid_);
  EXPECT_EQ(claims->roles, std::vector<std::string>{"user"});
}

TEST_F(AccessTokenVerifyTest, RejectsAlgNoneAndHs256WithThePublicKey) {
  auto iss = issuer();
  const auto claims = claimsOf(iss.issue(*user_, sid_, clock_.now()).token);
  const std::string body = base64UrlEncode(claims.dump());
  const std::string none =
      base64UrlEncode(nlohmann::json{{"alg", "none"}, {"kid", "kid-1"}}.dump()) + "." + body + ".";
  EXPECT_FALSE(iss.verify(none, clock_.now()).has_value());
  // HS256 "signed" with the public key as the HMAC secret: the classic confusion attack.
  const std::string hs_input =
      base64UrlEncode(nlohmann::json{{"alg", "HS256"}, {"kid", "kid-1"}}.dump()) + "." + body;
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_state st;
  crypto_auth_hmacsha256_init(&st, keys_[0].public_key.data(), keys_[0].public_key.size());
  crypto_auth_hmacsha256_update(&st, reinterpret_cast<const unsigned char*>(hs_input.data()),
                                hs_input.size());
  crypto_auth_hmacsha256_final(&st, mac);
  EXPECT_FALSE(
      iss.verify(hs_input + "." + base64UrlEncode(mac, sizeof mac), clock_.now()).has_value());
}

TEST_F(AccessTokenVerifyTest, RejectsUnknownKidForeignKeyAndTampering) {
  auto iss = issuer();
  const auto claims = claimsOf(iss.issue(*user_, sid_, clock_.now()).token);
  EXPECT_FALSE(iss.verify(forge({{"alg", "EdDSA"}, {"kid", "other"}}, claims, keys_[0].secret_key),
                          clock_.now())
                   .has_value());
  Bytes pk(crypto_sign_PUBLICKEYBYTES), foreign(crypto_sign_SECRETKEYBYTES);
  crypto_sign_keypair(pk.data(), foreign.data());
  EXPECT_FALSE(
      iss.verify(forge({{"alg", "EdDSA"}, {"kid", "kid-1"}}, claims, foreign), clock_.now())
          .has_value());
  auto tampered = claims;
  tampered["roles"] = {"admin"};
  auto token = forge({{"alg", "EdDSA"}, {"kid", "kid-1"}}, claims, keys_[0].secret_key);
  const auto sig = token.substr(token.rfind('.'));
  const auto swapped = base64UrlEncode(nlohmann::json{{"alg", "EdDSA"}, {"kid", "kid-1"}}.dump()) +
                       "." + base64UrlEncode(tampered.dump()) + sig;
  EXPECT_FALSE(iss.verify(swapped, clock_.now()).has_value());
  EXPECT_FALSE(iss.verify("a.b", clock_.now()).has_value());
  EXPECT_FALSE(iss.verify("", clock_.now()).has_value());
}

TEST_F(AccessTokenVerifyTest, ReplaceKeysSignsWithTheNewKeyAndTrustsExactlyTheNewList) {
  auto iss = issuer();
  const auto old_token = iss.issue(*user_, sid_, clock_.now()).token;
  Bytes pk(crypto_sign_PUBLICKEYBYTES), sk(crypto_sign_SECRETKEYBYTES);
  crypto_sign_keypair(pk.data(), sk.data());
  const auth::infrastructure::SigningKey fresh{"kid-2", pk,           secretFrom(sk),
                                               true,    clock_.now(), std::nullopt};
  auto retired = keys_[0];
  retired.active = false;
  retired.secret_key.reset();
  retired.retired_at = clock_.now();

  iss.replaceKeys({fresh, retired});
  EXPECT_EQ(iss.activeKid(), "kid-2");
  const auto new_token = iss.issue(*user_, sid_, clock_.now()).token;
  EXPECT_NE(new_token.substr(0, new_token.find('.')), old_token.substr(0, old_token.find('.')));
  EXPECT_TRUE(iss.verify(new_token, clock_.now()).has_value());
  EXPECT_TRUE(iss.verify(old_token, clock_.now()).has_value());  // retired, still published

  iss.replaceKeys({fresh});  // the retired key has dropped out
  EXPECT_FALSE(iss.verify(old_token, clock_.now()).has_value());
  EXPECT_TRUE(iss.verify(new_token, clock_.now()).has_value());
  // A list without an active key is refused and changes nothing.
  EXPECT_THROW(iss.replaceKeys({retired}), std::invalid_argument);
  EXPECT_EQ(iss.activeKid(), "kid-2");
}

TEST_F(AccessTokenVerifyTest, UnknownKidOfOurHeaderShapeAsksForAReloadOnce) {
  // Another instance has rotated: its token names a kid this issuer has not loaded yet.
  Bytes pk(crypto_sign_PUBLICKEYBYTES), sk(crypto_sign_SECRETKEYBYTES);
  crypto_sign_keypair(pk.data(), sk.data());
  const auth::infrastructure::SigningKey rotated{"kid-9", pk,           secretFrom(sk),
                                                 true,    clock_.now(), std::nullopt};
  auto elsewhere = issuer();
  elsewhere.replaceKeys({rotated});
  const auto token = elsewhere.issue(*user_, sid_, clock_.now()).token;

  auto here = issuer();
  int reloads = 0;
  here.setKeyRefresher([&] {
    ++reloads;
    auto retired = keys_[0];
    retired.active = false;
    here.replaceKeys({rotated, retired});
  });
  EXPECT_TRUE(here.verify(token, clock_.now()).has_value());
  EXPECT_EQ(reloads, 1);
  EXPECT_TRUE(here.verify(token, clock_.now()).has_value());
  EXPECT_EQ(reloads, 1);  // now known: no further reload
  // Headers of any other shape never trigger one (alg none, extra members, garbage).
  const auto claims = claimsOf(token);
  EXPECT_FALSE(
      here.verify(forge({{"alg", "none"}, {"kid", "kid-x"}, {"typ", "at+jwt"}}, claims, sk),
                  clock_.now())
          .has_value());
  EXPECT_FALSE(here.verify(forge({{"alg", "EdDSA"}, {"kid", "kid-x"}, {"typ", "at+jwt"}, {"x", 1}},
                                 claims, sk),
                           clock_.now())
                   .has_value());
  EXPECT_FALSE(here.verify("garbage.x.y", clock_.now()).has_value());
  EXPECT_EQ(reloads, 1);
  // A well-shaped unknown kid asks again (the caller rate-limits) and still fails.
  EXPECT_FALSE(
      here.verify(forge({{"alg", "EdDSA"}, {"kid", "kid-x"}, {"typ", "at+jwt"}}, claims, sk),
                  clock_.now())
          .has_value());
  EXPECT_EQ(reloads, 2);
}

TEST_F(AccessTokenVerifyTest, TimeClaimsMustBeIntegersInRange) {
  // Regression (fuzzer access_token): "iat": 1.7e50 reached a float-to-int64 cast with
  // undefined behaviour. Our own header and a valid signature, so only the claims decide.
  auto iss = issuer();
  const auto good = claimsOf(iss.issue(*user_, sid_, clock_.now()).token);
  const nlohmann::json header = {{"alg", "EdDSA"}, {"kid", "kid-1"}, {"typ", "at+jwt"}};
  ASSERT_TRUE(iss.verify(forge(header, good, keys_[0].secret_key), clock_.now()).has_value());
  for (const char* claim : {"iat", "exp", "nbf"}) {
    for (const nlohmann::json& bad :
         {nlohmann::json(1.744e50), nlohmann::json(good.at(claim).get<double>()),
          nlohmann::json("1700000000"), nlohmann::json(1ULL << 63)}) {
      auto claims = good;
      claims[claim] = bad;
      EXPECT_FALSE(iss.verify(forge(header, claims, keys_[0].secret_key), clock_.now()).has_value())
          << claim << " = " << bad.dump();
    }
  }
}

TEST_F(AccessTokenVerifyTest, RejectsWrongIssuerOrAudience) {
  const auto token = issuer().issue(*user_, sid_, clock_.now()).token;
  EXPECT_FALSE(issuer("https://other").verify(token, clock_.now()).has_value());
  EXPECT_FALSE(issuer("https://iss", "someone-else").verify(token, clock_.now()).has_value());
}

TEST_F(AccessTokenVerifyTest, HonoursExpiryAndNotBeforeWithinTheLeeway) {
  auto iss = issuer();
  const auto token = iss.issue(*user_, sid_, clock_.now()).token;
  EXPECT_TRUE(iss.verify(token, clock_.now() + Seconds(900 + 29)).has_value());
  EXPECT_FALSE(iss.verify(token, clock_.now() + Seconds(900 + 30)).has_value());
  EXPECT_TRUE(iss.verify(token, clock_.now() - Seconds(30)).has_value());
  EXPECT_FALSE(iss.verify(token, clock_.now() - Seconds(31)).has_value());
}

TEST_F(AccessTokenVerifyTest, HandWrittenClaimsAreValidJsonEvenWithCharactersToEscape) {
  auto iss = issuer("https://iss/\"quoted\"\\path\n", "aud\t1");
  const auto token = iss.issue(*user_, sid_, clock_.now()).token;
  const auto claims = claimsOf(token);  // throws if the JSON were malformed
  EXPECT_EQ(claims.at("iss"), "https://iss/\"quoted\"\\path\n");
  EXPECT_EQ(claims.at("aud"), "aud\t1");
  EXPECT_EQ(claims.at("roles"), nlohmann::json::array({"user"}));
  EXPECT_TRUE(iss.verify(token, clock_.now()).has_value());
}

}  // namespace
}  // namespace authd
