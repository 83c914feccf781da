// Adapters that need no database: persistence mapping, libsodium crypto, problem documents,
// configuration.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <sodium.h>

#include "app/config.hpp"
#include "fakes/fakes.hpp"
#include "features/auth/infrastructure/crypto/ed25519_access_token_issuer.hpp"
#include "features/auth/infrastructure/crypto/master_key.hpp"
#include "features/auth/infrastructure/crypto/sodium_password_hasher.hpp"
#include "features/auth/infrastructure/crypto/sodium_refresh_token_hasher.hpp"
#include "features/users/infrastructure/persistence/user_record_mapper.hpp"
#include "features/users/presentation/http/user_json.hpp"
#include "shared/core/encoding.hpp"
#include "shared/infrastructure/database.hpp"
#include "shared/presentation/problem.hpp"

namespace authd {
namespace {

using testing::FakeClock;
using testing::FakeRandomSource;
namespace ud = users::domain;

ud::User sampleUser(FakeClock& clock, FakeRandomSource& random) {
  auto user = ud::User::create(Uuid::v7(clock.now(), random), *ud::Email::parse("a@example.com"),
                               *ud::Username::parse("alice"), std::string("Alice \"A\" \xC3\xA9"),
                               "$argon2id$v=19$m=8,t=1,p=1$c2FsdA$aGFzaA", clock.now());
  ud::SessionPolicy policy;
  user.openSession(ud::Session::open(Uuid::v7(clock.now(), random), Bytes(32, 7),
                                     clock.now() + std::chrono::microseconds(123457), policy,
                                     "Mozilla/5.0 \"quoted\"", "::1"),
                   clock.now(), policy);
  user.grantRole("admin", clock.now());
  return user;
}

TEST(UserRecordMapperTest, RoundTripsEveryField) {
  FakeClock clock;
  FakeRandomSource random;
  auto user = sampleUser(clock, random);
  user.setVersion(7);
  const auto back = users::infrastructure::toDomain(users::infrastructure::toRecord(user));
  const auto& a = user.state();
  const auto& b = back.state();
  EXPECT_EQ(b.id, a.id);
  EXPECT_EQ(b.email, a.email);
  EXPECT_EQ(b.username, a.username);
  EXPECT_EQ(b.display_name, a.display_name);
  EXPECT_EQ(b.password_hash, a.password_hash);
  EXPECT_EQ(b.roles, a.roles);
  EXPECT_EQ(b.created_at, a.created_at);
  EXPECT_EQ(b.version, 7u);
  ASSERT_EQ(b.sessions.size(), 1u);
  const auto& sa = a.sessions[0].state();
  const auto& sb = b.sessions[0].state();
  EXPECT_EQ(sb.id, sa.id);
  EXPECT_EQ(sb.token_digest, sa.token_digest);
  EXPECT_EQ(sb.created_at, sa.created_at);
  EXPECT_EQ(sb.expires_at, sa.expires_at);
  EXPECT_EQ(sb.user_agent, sa.user_agent);
  EXPECT_EQ(sb.ip, sa.ip);
}

TEST(UserRecordMapperTest, SessionsJsonHoldsDigestsNeverSecrets) {
  FakeClock clock;
  FakeRandomSource random;
  const auto json = nlohmann::json::parse(
      users::infrastructure::sessionsToJson(sampleUser(clock, random).sessions()));
  ASSERT_TRUE(json.is_array());
  EXPECT_EQ(json[0].at("digest"), base64UrlEncode(Bytes(32, 7)));
  EXPECT_FALSE(json[0].contains("secret"));
  EXPECT_FALSE(json[0].contains("token"));
}

TEST(UserRecordMapperTest, InvalidUtf8UserAgentIsStoredNotThrown) {
  ud::SessionPolicy policy;
  std::vector<ud::Session> sessions{
      ud::Session::open(Uuid(), Bytes(32, 1), fromMicros(0), policy, "bad \xFF agent", "")};
  const auto back = users::infrastructure::sessionsFromJson(users::infrastructure::sessionsToJson(sessions));
  ASSERT_EQ(back.size(), 1u);
  EXPECT_NE(back[0].state().user_agent.find("agent"), std::string::npos);
}

TEST(UserRecordMapperTest, CorruptSessionsJsonThrows) {
  EXPECT_THROW(users::infrastructure::sessionsFromJson("[{\"id\": 5}]"), std::runtime_error);
  EXPECT_THROW(users::infrastructure::sessionsFromJson("not json"), std::runtime_error);
}

TEST(UserJsonTest, HasExactlyTheContractFields) {
  FakeClock clock;
  FakeRandomSource random;
  const auto j = users::presentation::userJson(sampleUser(clock, random));
  std::vector<std::string> keys;
  for (auto it = j.begin(); it != j.end(); ++it) keys.push_back(it.key());
  EXPECT_THAT(keys, ::testing::UnorderedElementsAre("id", "email", "username", "display_name",
                                                    "email_verified", "roles", "created_at",
                                                    "updated_at"));
  EXPECT_EQ(j.at("roles"), nlohmann::json::array({"admin", "user"}));
  EXPECT_EQ(j.at("created_at").get<std::string>().back(), 'Z');
}

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

TEST(SodiumRefreshTokenHasherTest, KeyedDeterministicAndDistinct) {
  auth::infrastructure::SodiumRefreshTokenHasher h(Bytes(32, 1), Bytes(32, 2));
  auth::infrastructure::SodiumRefreshTokenHasher other(Bytes(32, 3), Bytes(32, 2));
  const Bytes secret(32, 9);
  EXPECT_EQ(h.digest(secret), h.digest(secret));
  EXPECT_NE(h.digest(secret), h.successor(secret));
  EXPECT_NE(h.digest(secret), other.digest(secret));
  EXPECT_EQ(h.successor(secret).size(), 32u);
  EXPECT_THROW(auth::infrastructure::SodiumRefreshTokenHasher(Bytes(32, 1), Bytes(32, 1)),
               std::invalid_argument);
}

TEST(MasterKeyTest, SealsAndOpensAndDetectsTampering) {
  FakeRandomSource random;
  auto key = auth::infrastructure::MasterKey::fromBase64(
      "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=");
  ASSERT_TRUE(key.has_value());
  const Bytes secret{1, 2, 3, 4};
  auto sealed = key->seal(secret, random);
  EXPECT_EQ(key->open(sealed), secret);
  sealed.back() ^= 1;
  EXPECT_FALSE(key->open(sealed).has_value());
  auto other = auth::infrastructure::MasterKey::developmentKey();
  EXPECT_FALSE(other.open(key->seal(secret, random)).has_value());
}

TEST(MasterKeyTest, AcceptsOnlyThirtyTwoBytes) {
  EXPECT_FALSE(auth::infrastructure::MasterKey::fromBase64("AAEC").has_value());
  EXPECT_FALSE(auth::infrastructure::MasterKey::fromBase64("not base64 at all!").has_value());
  EXPECT_TRUE(auth::infrastructure::MasterKey::fromBase64(
                  "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8")
                  .has_value());
}

class Ed25519IssuerTest : public ::testing::Test {
 protected:
  Ed25519IssuerTest() {
    pk_.resize(crypto_sign_PUBLICKEYBYTES);
    Bytes sk(crypto_sign_SECRETKEYBYTES);
    crypto_sign_keypair(pk_.data(), sk.data());
    keys_.push_back({"kid-1", pk_, sk, true, clock_.now(), std::nullopt});
  }
  FakeClock clock_;
  FakeRandomSource random_;
  Bytes pk_;
  std::vector<auth::infrastructure::SigningKey> keys_;
};

TEST_F(Ed25519IssuerTest, SignsAJwtThatVerifiesWithThePublicKey) {
  auth::infrastructure::Ed25519AccessTokenIssuer issuer(keys_, {"https://issuer", "aud-x", Seconds(900)},
                                                        random_);
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
  EXPECT_TRUE(claims.contains("jti"));
  const auto sig = *base64UrlDecode(token.substr(d2 + 1));
  const std::string signing_input = token.substr(0, d2);
  EXPECT_EQ(crypto_sign_verify_detached(sig.data(),
                                        reinterpret_cast<const unsigned char*>(signing_input.data()),
                                        signing_input.size(), pk_.data()),
            0);
  EXPECT_NE(issuer.issue(user, sid, clock_.now()).token, token);  // unique jti
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

TEST(ProblemJsonTest, MapsCodesToStatusesAndListsFieldErrors) {
  EXPECT_EQ(http::statusFor(ErrorCode::InvalidCredentials), 401);
  EXPECT_EQ(http::statusFor(ErrorCode::EmailTaken), 409);
  EXPECT_EQ(http::statusFor(ErrorCode::UnsupportedMediaType), 415);
  EXPECT_EQ(http::statusFor(ErrorCode::Unavailable), 503);
  const auto j = http::problemJson(validationError({{"email", "required", "m"}}));
  EXPECT_EQ(j.at("status"), 422);
  EXPECT_EQ(j.at("code"), "validation_failed");
  EXPECT_EQ(j.at("errors")[0].at("field"), "email");
  EXPECT_FALSE(http::problemJson(Error{ErrorCode::NotFound, "x", {}}).contains("errors"));
}

app::Getenv envOf(std::map<std::string, std::string> vars) {
  return [vars](const char* name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

TEST(ConfigTest, ReadsDefaultsAndOverrides) {
  auto c = app::loadConfig(envOf({{"AUTH_DATABASE_URL", "postgresql://x/y"},
                                  {"AUTH_LISTEN", "0.0.0.0:9000"},
                                  {"AUTH_REFRESH_REUSE_GRACE", "3"}}));
  EXPECT_EQ(c.listen_host, "0.0.0.0");
  EXPECT_EQ(c.listen_port, 9000);
  EXPECT_EQ(c.sessions.reuse_grace, Seconds(3));
  EXPECT_EQ(c.sessions.max_sessions, 10u);
  EXPECT_EQ(c.access_ttl, Seconds(900));
  EXPECT_EQ(c.db_pool_size, static_cast<std::size_t>(2 * c.threads));
}

TEST(ConfigTest, BadValuesNameTheVariable) {
  try {
    app::loadConfig(envOf({{"AUTH_DATABASE_URL", "x"}, {"AUTH_ACCESS_TTL", "soon"}}));
    FAIL() << "accepted a bad value";
  } catch (const app::ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("AUTH_ACCESS_TTL"), std::string::npos);
  }
  EXPECT_THROW(app::loadConfig(envOf({})), app::ConfigError);
  EXPECT_THROW(app::loadConfig(envOf({{"AUTH_DATABASE_URL", "x"}, {"AUTH_LISTEN", "nope"}})),
               app::ConfigError);
}

TEST(DatabaseConfigTest, AddsTimeoutAndUtcToUrisAndKeywordStrings) {
  EXPECT_EQ(toConninfo({"postgresql://u@h:5/db", 4, 7}),
            "postgresql://u@h:5/db?connect_timeout=7&options=-c%20TimeZone%3DUTC&application_name=authd");
  EXPECT_EQ(toConninfo({"postgresql://u@h/db?sslmode=disable", 4, 7}).find("?sslmode=disable&connect_timeout=7"),
            std::string("postgresql://u@h/db").size());
  EXPECT_EQ(toConninfo({"host=/tmp dbname=x", 4, 3}),
            "host=/tmp dbname=x connect_timeout=3 options='-c TimeZone=UTC' application_name=authd");
}

}  // namespace
}  // namespace authd
