// Adapters that need no database: persistence mapping, libsodium crypto, problem documents,
// configuration.
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <sodium.h>

#include "app/config.hpp"
#include "fakes/fakes.hpp"
#include "features/auth/infrastructure/crypto/bounded_password_hasher.hpp"
#include "features/auth/infrastructure/crypto/ed25519_access_token_issuer.hpp"
#include "features/keys/infrastructure/crypto/master_key.hpp"
#include "features/auth/infrastructure/crypto/sodium_password_hasher.hpp"
#include "features/auth/infrastructure/crypto/sodium_refresh_token_hasher.hpp"
#include "features/users/infrastructure/persistence/user_record_mapper.hpp"
#include "features/users/presentation/http/user_json.hpp"
#include "shared/core/encoding.hpp"
#include "shared/core/errors.hpp"
#include "shared/infrastructure/database.hpp"
#include "shared/presentation/http_support.hpp"
#include "shared/presentation/json_fields.hpp"
#include "shared/presentation/metrics.hpp"
#include "shared/presentation/problem.hpp"
#include "shared/presentation/work_pool.hpp"

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

// An inner hasher whose verify() blocks until released, to hold slots open.
class BlockingHasher : public auth::application::PasswordHasher {
 public:
  std::string hash(std::string_view) override { return "h"; }
  bool verify(const std::string&, std::string_view) override {
    std::unique_lock lock(mutex_);
    ++entered_;
    changed_.notify_all();
    changed_.wait(lock, [this] { return released_; });
    return true;
  }
  bool needsRehash(const std::string&) override { return false; }
  const std::string& dummyHash() override { return dummy_; }
  void waitEntered(int n) {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return entered_ >= n; });
  }
  void release() {
    std::lock_guard lock(mutex_);
    released_ = true;
    changed_.notify_all();
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  int entered_ = 0;
  bool released_ = false;
  std::string dummy_ = "d";
};

TEST(BoundedPasswordHasherTest, RunsAtMostTheLimitQueuesSomeAndRefusesTheRest) {
  BlockingHasher inner;
  auth::infrastructure::BoundedPasswordHasher bounded(inner, {2, 1, std::chrono::seconds(30)});
  std::vector<std::thread> threads;
  for (int i = 0; i < 3; ++i) {
    threads.emplace_back([&] { EXPECT_TRUE(bounded.verify("h", "pw")); });
  }
  inner.waitEntered(2);
  while (bounded.waiting() < 1) std::this_thread::yield();
  EXPECT_EQ(bounded.running(), 2);
  // Two running, one waiting: the queue is full, so the next caller is refused at once.
  EXPECT_THROW(bounded.verify("h", "pw"), OverloadedError);
  EXPECT_EQ(bounded.rejected(), 1);
  inner.release();
  for (auto& t : threads) t.join();
  EXPECT_EQ(bounded.running(), 0);
  EXPECT_EQ(bounded.waiting(), 0);
}

TEST(BoundedPasswordHasherTest, AWaitLongerThanTheLimitIsRefused) {
  BlockingHasher inner;
  auth::infrastructure::BoundedPasswordHasher bounded(inner, {1, 5, std::chrono::milliseconds(50)});
  std::thread holder([&] { EXPECT_TRUE(bounded.verify("h", "pw")); });
  inner.waitEntered(1);
  EXPECT_THROW(bounded.hash("pw"), OverloadedError);
  inner.release();
  holder.join();
  EXPECT_EQ(bounded.hash("pw"), "h");
}

TEST(WorkPoolTest, RunsOnItsThreadsQueuesUpToTheBoundAndRefusesTheRest) {
  std::mutex m;
  std::condition_variable cv;
  bool release = false;
  int started = 0;
  std::atomic<int> ran{0};
  const auto blocking = [&] {
    std::unique_lock lock(m);
    ++started;
    cv.notify_all();
    cv.wait(lock, [&] { return release; });
    ++ran;
  };
  http::WorkPool pool(2, 1);
  EXPECT_TRUE(pool.trySubmit(blocking));
  EXPECT_TRUE(pool.trySubmit(blocking));
  {
    std::unique_lock lock(m);
    cv.wait(lock, [&] { return started == 2; });  // both threads busy
  }
  EXPECT_TRUE(pool.trySubmit([&] { ++ran; }));     // one may wait
  EXPECT_EQ(pool.queued(), 1);
  EXPECT_FALSE(pool.trySubmit([&] { ++ran; }));    // the bound: refused, never run
  {
    std::lock_guard lock(m);
    release = true;
  }
  cv.notify_all();
  pool.stop();  // runs what was queued, then joins
  EXPECT_EQ(ran.load(), 3);
  EXPECT_FALSE(pool.trySubmit([&] { ++ran; }));  // stopped
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
  auto key = keys::infrastructure::MasterKey::fromBase64(
      "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=");
  ASSERT_TRUE(key.has_value());
  const Bytes secret{1, 2, 3, 4};
  auto sealed = key->seal(secret, random);
  EXPECT_EQ(key->open(sealed), secret);
  sealed.back() ^= 1;
  EXPECT_FALSE(key->open(sealed).has_value());
  auto other = keys::infrastructure::MasterKey::developmentKey();
  EXPECT_FALSE(other.open(key->seal(secret, random)).has_value());
}

TEST(MasterKeyTest, AcceptsOnlyThirtyTwoBytes) {
  EXPECT_FALSE(keys::infrastructure::MasterKey::fromBase64("AAEC").has_value());
  EXPECT_FALSE(keys::infrastructure::MasterKey::fromBase64("not base64 at all!").has_value());
  EXPECT_TRUE(keys::infrastructure::MasterKey::fromBase64(
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

TEST(ConfigTest, AbuseLimitsAndKeySettingsHaveTheContractDefaultsAndCanBeChanged) {
  const auto defaults = app::loadConfig(envOf({{"AUTH_DATABASE_URL", "postgresql://x/y"}}));
  EXPECT_EQ(defaults.login_max_fails, 5);
  EXPECT_EQ(defaults.login_window, Seconds(900));
  EXPECT_EQ(defaults.rate_limit_per_ip, 60);
  EXPECT_EQ(defaults.hash_concurrency, static_cast<int>(std::max(1u, std::thread::hardware_concurrency())));
  EXPECT_EQ(defaults.sessions.idle_ttl, Seconds(1209600));
  EXPECT_EQ(defaults.key_reload_interval, Seconds(60));
  const auto c = app::loadConfig(envOf({{"AUTH_DATABASE_URL", "postgresql://x/y"},
                                        {"AUTH_LOGIN_MAX_FAILS", "0"},
                                        {"AUTH_LOGIN_WINDOW", "60"},
                                        {"AUTH_RATE_LIMIT_PER_IP", "0"},
                                        {"AUTH_HASH_CONCURRENCY", "3"},
                                        {"AUTH_HASH_QUEUE", "7"}}));
  EXPECT_EQ(c.login_max_fails, 0);
  EXPECT_EQ(c.login_window, Seconds(60));
  EXPECT_EQ(c.rate_limit_per_ip, 0);
  EXPECT_EQ(c.hash_concurrency, 3);
  EXPECT_EQ(c.hash_queue, 7);
  for (const char* bad : {"AUTH_HASH_CONCURRENCY", "AUTH_LOGIN_WINDOW", "AUTH_RATE_LIMIT_PER_IP"}) {
    try {
      app::loadConfig(envOf({{"AUTH_DATABASE_URL", "x"}, {bad, "-1"}}));
      ADD_FAILURE() << bad << " accepted -1";
    } catch (const app::ConfigError& e) {
      EXPECT_NE(std::string(e.what()).find(bad), std::string::npos);
    }
  }
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

TEST(ConfigTest, HttpLimitsDefaultFromTheHashWaitAndMustOutlastIt) {
  const auto defaults = app::loadConfig(envOf({{"AUTH_DATABASE_URL", "x"}}));
  EXPECT_EQ(defaults.http_header_timeout_s, 10);  // AUTH_HASH_WAIT_MS 5000 + 5 s
  EXPECT_EQ(defaults.http_body_timeout_s, 10);
  EXPECT_EQ(defaults.http_max_request_bytes, 1u << 20);
  ASSERT_EQ(defaults.trusted_proxies.size(), 2u);
  EXPECT_TRUE(defaults.trusted_proxies[0].contains("127.0.0.1"));
  EXPECT_TRUE(defaults.trusted_proxies[1].contains("::1"));
  const auto slow = app::loadConfig(envOf({{"AUTH_DATABASE_URL", "x"}, {"AUTH_HASH_WAIT_MS", "7500"}}));
  EXPECT_EQ(slow.http_header_timeout_s, 13);
  try {
    app::loadConfig(envOf({{"AUTH_DATABASE_URL", "x"}, {"AUTH_HASH_WAIT_MS", "6000"},
                           {"AUTH_HTTP_HEADER_TIMEOUT", "10"}}));
    FAIL() << "accepted a header timeout shorter than the hash wait plus 5 s";
  } catch (const app::ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("AUTH_HTTP_HEADER_TIMEOUT"), std::string::npos);
  }
  EXPECT_THROW(app::loadConfig(envOf({{"AUTH_DATABASE_URL", "x"}, {"AUTH_TRUSTED_PROXIES", "10.0.0.0/99"}})),
               app::ConfigError);
  EXPECT_THROW(app::loadConfig(envOf({{"AUTH_DATABASE_URL", "x"}, {"AUTH_HTTP_MAX_REQUEST_BYTES", "1000"}})),
               app::ConfigError);
}

TEST(JsonFieldsTest, StringsWithControlsOrInvalidUtf8AreInvalidFormatButSecretsPassAsGiven) {
  const nlohmann::json body = {{"username", std::string("ad\0a", 4)},
                               {"email", "ok@example.com"},
                               {"display_name", "line\nbreak"},
                               {"form", "\xff"},  // only a form body can carry this
                               {"password", std::string("pa\0ss\x01", 7)}};
  http::JsonFields f(body);
  EXPECT_FALSE(f.requiredString("username"));
  EXPECT_EQ(f.requiredString("email"), "ok@example.com");
  EXPECT_FALSE(f.optionalString("display_name"));
  EXPECT_FALSE(f.optionalString("form"));
  EXPECT_EQ(f.requiredSecret("password"), std::string("pa\0ss\x01", 7));
  EXPECT_FALSE(f.requiredSecret("missing"));
  ASSERT_EQ(f.errors().size(), 4u);
  EXPECT_EQ(f.errors()[0], (FieldError{"username", "invalid_format",
                                       "username must be UTF-8 text without control characters."}));
  EXPECT_EQ(f.errors()[1].field, "display_name");
  EXPECT_EQ(f.errors()[1].code, "invalid_format");
  EXPECT_EQ(f.errors()[2].field, "form");
  EXPECT_EQ(f.errors()[3].code, "required");
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

namespace authd {
namespace {

// authd's own token checks (Ed25519AccessTokenIssuer::verify).
class AccessTokenVerifyTest : public ::testing::Test {
 protected:
  AccessTokenVerifyTest() {
    Bytes pk(crypto_sign_PUBLICKEYBYTES), sk(crypto_sign_SECRETKEYBYTES);
    crypto_sign_keypair(pk.data(), sk.data());
    keys_.push_back({"kid-1", pk, sk, true, clock_.now(), std::nullopt});
    user_.emplace(users::domain::User::create(
        Uuid::v7(clock_.now(), random_), *users::domain::Email::parse("v@example.com"),
        *users::domain::Username::parse("victor"), std::nullopt, "h", clock_.now()));
  }
  auth::infrastructure::Ed25519AccessTokenIssuer issuer(std::string iss = "https://iss",
                                                        std::string aud = "authd") {
    return auth::infrastructure::Ed25519AccessTokenIssuer(keys_, {iss, aud, Seconds(900), Seconds(30)},
                                                          random_);
  }
  // A token with the given header and claims, signed with `key` (Ed25519) as-is.
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
  const std::string none = base64UrlEncode(nlohmann::json{{"alg", "none"}, {"kid", "kid-1"}}.dump()) + "." + body + ".";
  EXPECT_FALSE(iss.verify(none, clock_.now()).has_value());
  // HS256 "signed" with the public key as the HMAC secret: the classic confusion attack.
  const std::string hs_input = base64UrlEncode(nlohmann::json{{"alg", "HS256"}, {"kid", "kid-1"}}.dump()) + "." + body;
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_state st;
  crypto_auth_hmacsha256_init(&st, keys_[0].public_key.data(), keys_[0].public_key.size());
  crypto_auth_hmacsha256_update(&st, reinterpret_cast<const unsigned char*>(hs_input.data()), hs_input.size());
  crypto_auth_hmacsha256_final(&st, mac);
  EXPECT_FALSE(iss.verify(hs_input + "." + base64UrlEncode(mac, sizeof mac), clock_.now()).has_value());
}

TEST_F(AccessTokenVerifyTest, RejectsUnknownKidForeignKeyAndTampering) {
  auto iss = issuer();
  const auto claims = claimsOf(iss.issue(*user_, sid_, clock_.now()).token);
  EXPECT_FALSE(iss.verify(forge({{"alg", "EdDSA"}, {"kid", "other"}}, claims, keys_[0].secret_key), clock_.now()).has_value());
  Bytes pk(crypto_sign_PUBLICKEYBYTES), foreign(crypto_sign_SECRETKEYBYTES);
  crypto_sign_keypair(pk.data(), foreign.data());
  EXPECT_FALSE(iss.verify(forge({{"alg", "EdDSA"}, {"kid", "kid-1"}}, claims, foreign), clock_.now()).has_value());
  auto tampered = claims;
  tampered["roles"] = {"admin"};
  auto token = forge({{"alg", "EdDSA"}, {"kid", "kid-1"}}, claims, keys_[0].secret_key);
  const auto sig = token.substr(token.rfind('.'));
  const auto swapped = base64UrlEncode(nlohmann::json{{"alg", "EdDSA"}, {"kid", "kid-1"}}.dump()) + "." +
                       base64UrlEncode(tampered.dump()) + sig;
  EXPECT_FALSE(iss.verify(swapped, clock_.now()).has_value());
  EXPECT_FALSE(iss.verify("a.b", clock_.now()).has_value());
  EXPECT_FALSE(iss.verify("", clock_.now()).has_value());
}

TEST_F(AccessTokenVerifyTest, ReplaceKeysSignsWithTheNewKeyAndTrustsExactlyTheNewList) {
  auto iss = issuer();
  const auto old_token = iss.issue(*user_, sid_, clock_.now()).token;
  Bytes pk(crypto_sign_PUBLICKEYBYTES), sk(crypto_sign_SECRETKEYBYTES);
  crypto_sign_keypair(pk.data(), sk.data());
  const auth::infrastructure::SigningKey fresh{"kid-2", pk, sk, true, clock_.now(), std::nullopt};
  auto retired = keys_[0];
  retired.active = false;
  retired.secret_key.clear();
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
  const auth::infrastructure::SigningKey rotated{"kid-9", pk, sk, true, clock_.now(), std::nullopt};
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
  EXPECT_FALSE(here.verify(forge({{"alg", "none"}, {"kid", "kid-x"}, {"typ", "at+jwt"}}, claims, sk),
                           clock_.now()).has_value());
  EXPECT_FALSE(here.verify(forge({{"alg", "EdDSA"}, {"kid", "kid-x"}, {"typ", "at+jwt"}, {"x", 1}},
                                 claims, sk), clock_.now()).has_value());
  EXPECT_FALSE(here.verify("garbage.x.y", clock_.now()).has_value());
  EXPECT_EQ(reloads, 1);
  // A well-shaped unknown kid asks again (the caller rate-limits) and still fails.
  EXPECT_FALSE(here.verify(forge({{"alg", "EdDSA"}, {"kid", "kid-x"}, {"typ", "at+jwt"}}, claims, sk),
                           clock_.now()).has_value());
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
    for (const nlohmann::json& bad : {nlohmann::json(1.744e50), nlohmann::json(good.at(claim).get<double>()),
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

TEST(FormBodyTest, DecodesPercentAndPlus) {
  auto form = http::parseForm("token=a%2Bb+c&token_type_hint=refresh_token&empty=");
  ASSERT_TRUE(form.has_value());
  EXPECT_EQ(form->at("token"), "a+b c");
  EXPECT_EQ(form->at("token_type_hint"), "refresh_token");
  EXPECT_EQ(form->at("empty"), "");
  EXPECT_FALSE(http::parseForm("bad=%zz").has_value());
  EXPECT_FALSE(http::parseForm("bad=%2").has_value());
}

TEST(MetricsTest, RendersCountersHistogramsAndGauges) {
  http::Metrics m;
  m.observeRequest("/v1/auth/login", "POST", 401, 0.003);
  m.observeRequest("/v1/auth/login", "POST", 401, 0.2);
  m.countLoginFailure();
  m.addGauge("authd_db_pool_in_use", "in use", [] { return 3.0; });
  const auto text = m.render();
  EXPECT_NE(text.find("authd_http_requests_total{route=\"/v1/auth/login\",method=\"POST\",status=\"401\"} 2"), std::string::npos);
  EXPECT_NE(text.find("authd_http_request_duration_seconds_bucket{route=\"/v1/auth/login\",le=\"0.005\"} 1"), std::string::npos);
  EXPECT_NE(text.find("authd_http_request_duration_seconds_bucket{route=\"/v1/auth/login\",le=\"+Inf\"} 2"), std::string::npos);
  EXPECT_NE(text.find("authd_login_failures_total 1"), std::string::npos);
  EXPECT_NE(text.find("authd_db_pool_in_use 3"), std::string::npos);
}

}  // namespace
}  // namespace authd

namespace authd {
namespace {

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
