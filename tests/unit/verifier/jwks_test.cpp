// JwksKeySet against a real HTTP server on loopback (Pistache), with the clock as a parameter:
// max-age, refetch on an unknown kid, bounded staleness, one fetch in flight, timeouts.
#include "authd_verifier/jwks.hpp"

#include <gtest/gtest.h>
#include <pistache/endpoint.h>
#include <pistache/http.h>
#include <sodium.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

namespace authd::verifier {
namespace {

class Header final : public Pistache::Http::Header::Header {
 public:
  Header(std::string n, std::string v) : n_(std::move(n)), v_(std::move(v)) {}
  const char* name() const override { return n_.c_str(); }
  std::uint64_t hash() const override { return Pistache::Http::Header::detail::hash(n_.c_str()); }
  void write(std::ostream& os) const override { os << v_; }

 private:
  std::string n_, v_;
};

// Serves a JWKS (and the discovery document) as the test sets it.
struct Served {
  std::atomic<int> jwks_requests{0};
  std::atomic<bool> failing{false};
  std::atomic<int> delay_ms{0};
  std::string cache_control = "public, max-age=60";
  std::vector<std::string> kids{"k1"};
  std::string base;
  std::string named_issuer;  // what discovery calls the issuer; empty: base
  std::string jwks_uri;      // where discovery points; empty: base + "/keys"
};

class JwksHandler : public Pistache::Http::Handler {
 public:
  HTTP_PROTOTYPE(JwksHandler)
  explicit JwksHandler(Served* s) : s_(s) {}
  void onRequest(const Pistache::Http::Request& req, Pistache::Http::ResponseWriter res) override {
    if (req.resource() == "/.well-known/openid-configuration") {
      const nlohmann::json doc = {
          {"issuer", s_->named_issuer.empty() ? s_->base : s_->named_issuer},
          {"jwks_uri", s_->jwks_uri.empty() ? s_->base + "/keys" : s_->jwks_uri}};
      res.send(Pistache::Http::Code::Ok, doc.dump());
      return;
    }
    ++s_->jwks_requests;
    if (s_->delay_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(s_->delay_ms));
    if (s_->failing) {
      res.send(Pistache::Http::Code::Service_Unavailable, "down");
      return;
    }
    nlohmann::json keys = nlohmann::json::array();
    for (const auto& kid : s_->kids) {
      keys.push_back({{"kty", "OKP"},
                      {"crv", "Ed25519"},
                      {"kid", kid},
                      {"use", "sig"},
                      {"x", "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}});
    }
    res.headers().add(std::make_shared<Header>("Cache-Control", s_->cache_control));
    res.send(Pistache::Http::Code::Ok, nlohmann::json{{"keys", keys}}.dump());
  }

 private:
  Served* s_;
};

class JwksTest : public ::testing::Test {
 protected:
  JwksTest() {
    endpoint_.init(
        Pistache::Http::Endpoint::options().threads(4).flags(Pistache::Tcp::Options::ReuseAddr));
    endpoint_.setHandler(std::make_shared<JwksHandler>(&served_));
    endpoint_.serveThreaded();
    served_.base =
        "http://127.0.0.1:" + std::to_string(static_cast<std::uint16_t>(endpoint_.getPort()));
  }
  ~JwksTest() override { endpoint_.shutdown(); }

  JwksOptions options() const {
    JwksOptions o;
    o.jwks_uri = served_.base + "/keys";
    o.timeout = std::chrono::milliseconds(1000);
    return o;
  }
  std::unique_ptr<JwksKeySet> keySet(JwksOptions o) {
    auto set = std::make_unique<JwksKeySet>(std::move(o));
    set->setClock([this] { return now_.load(); });
    return set;
  }

  Served served_;
  Pistache::Http::Endpoint endpoint_{Pistache::Address("127.0.0.1", Pistache::Port(0))};
  std::atomic<std::int64_t> now_{1000};
};

TEST_F(JwksTest, FetchesOnFirstUseAndAgainOnlyWhenTheMaxAgeRunsOut) {
  auto set = keySet(options());
  EXPECT_EQ(set->current()->count("k1"), 1u);
  EXPECT_EQ(set->current()->size(), 1u);
  EXPECT_EQ(served_.jwks_requests, 1);
  now_ += 59;
  set->current();
  EXPECT_EQ(served_.jwks_requests, 1);
  served_.kids = {"k1", "k2"};
  now_ += 1;
  EXPECT_EQ(set->current()->count("k2"), 1u);
  EXPECT_EQ(served_.jwks_requests, 2);
}

TEST_F(JwksTest, FindsTheJwksThroughDiscovery) {
  JwksOptions o;
  o.issuer = served_.base + "/";
  auto set = keySet(o);
  EXPECT_EQ(set->current()->count("k1"), 1u);
}

TEST_F(JwksTest, DiscoveryMustNameTheIssuerAndKeepTheKeysOnItsOrigin) {
  JwksOptions o;
  o.issuer = served_.base;
  served_.jwks_uri = "http://127.0.0.2:" + served_.base.substr(served_.base.rfind(':') + 1) +
                     "/keys";  // another host
  EXPECT_FALSE(keySet(o)->refresh());
  served_.jwks_uri.clear();
  served_.named_issuer = "https://impostor.example";
  EXPECT_FALSE(keySet(o)->refresh());
  EXPECT_EQ(served_.jwks_requests, 0);
  served_.named_issuer.clear();
  EXPECT_TRUE(keySet(o)->refresh());
}

// RFC 8037 A.1's key pair: the served x is its public half; tokens are signed with its seed.
std::string signedByRfc8037Key(const std::string& kid) {
  const auto seed = base64UrlDecode("nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A");
  unsigned char pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
  crypto_sign_seed_keypair(pk, sk, reinterpret_cast<const unsigned char*>(seed->data()));
  const auto enc = [](const std::string& bytes) {
    std::string out(
        sodium_base64_encoded_len(bytes.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
    sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                      bytes.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    out.pop_back();
    return out;
  };
  const nlohmann::json header = {{"alg", "EdDSA"}, {"typ", "at+jwt"}, {"kid", kid}};
  const nlohmann::json claims = {{"iss", "https://auth.example"},
                                 {"aud", "notes"},
                                 {"sub", "u1"},
                                 {"sid", "s1"},
                                 {"iat", 0},
                                 {"nbf", 0},
                                 {"exp", std::int64_t{1} << 39}};
  const std::string input = enc(header.dump()) + "." + enc(claims.dump());
  unsigned char sig[crypto_sign_BYTES];
  crypto_sign_detached(sig, nullptr, reinterpret_cast<const unsigned char*>(input.data()),
                       input.size(), sk);
  return input + "." + enc(std::string(reinterpret_cast<char*>(sig), sizeof sig));
}

// Review finding: a verification that asks the key set again (an unknown kid, or the empty set
// an over-stale cache gives) must not be handed the stale keys back.
TEST_F(JwksTest, StalenessIsBoundedThroughVerificationToo) {
  auto o = options();
  o.max_stale = std::chrono::seconds(100);
  o.min_refetch_interval = std::chrono::seconds(0);
  auto set = keySet(o);
  Verifier verifier(*set, {"https://auth.example", "notes"});
  const std::string token = signedByRfc8037Key("k1");
  EXPECT_TRUE(verifier.verify(token, 1000));
  served_.failing = true;
  now_ += 61;
  EXPECT_TRUE(verifier.verify(token, 1000));  // stale, within the bound
  now_ += 100;
  const auto refused = verifier.verify(token, 1000);
  EXPECT_FALSE(refused);
  EXPECT_EQ(refused.refusal, Refusal::UnknownKey);
  served_.failing = false;
  now_ += 2;
  EXPECT_TRUE(verifier.verify(token, 1000));
}

TEST_F(JwksTest, AnUnknownKidRefetchesAtMostOncePerInterval) {
  auto set = keySet(options());
  set->current();
  served_.kids = {"k1", "k2"};
  auto refreshed = set->refreshFor("k2");
  ASSERT_NE(refreshed, nullptr);
  EXPECT_EQ(refreshed->count("k2"), 1u);
  EXPECT_EQ(served_.jwks_requests, 2);
  EXPECT_EQ(set->refreshFor("made-up"), nullptr);  // within the interval: no fetch
  EXPECT_EQ(served_.jwks_requests, 2);
  now_ += 10;
  set->refreshFor("made-up");
  EXPECT_EQ(served_.jwks_requests, 3);
}

TEST_F(JwksTest, CanBeToldNeverToRefetchOnAnUnknownKid) {
  auto o = options();
  o.refetch_on_unknown_kid = false;
  auto set = keySet(o);
  set->current();
  EXPECT_EQ(set->refreshFor("k2"), nullptr);
  EXPECT_EQ(served_.jwks_requests, 1);
}

TEST_F(JwksTest, KeepsServingCachedKeysWhileFetchesFailButOnlyForMaxStale) {
  auto o = options();
  o.max_stale = std::chrono::seconds(100);
  auto set = keySet(o);
  set->current();
  served_.failing = true;
  now_ += 61;
  EXPECT_EQ(set->current()->count("k1"), 1u);  // stale, still served
  EXPECT_EQ(served_.jwks_requests, 2);         // and a refetch was tried
  now_ += 100;
  EXPECT_TRUE(set->current()->empty());  // too stale: nothing is trusted
  served_.failing = false;
  now_ += 1;
  EXPECT_EQ(set->current()->count("k1"), 1u);  // back once a fetch succeeds
}

TEST_F(JwksTest, NoStoreMeansRefetchEveryTime) {
  served_.cache_control = "no-store";
  auto set = keySet(options());
  set->current();
  set->current();
  EXPECT_EQ(served_.jwks_requests, 2);
}

TEST_F(JwksTest, ConcurrentFirstUseMakesOneFetch) {
  served_.delay_ms = 200;
  auto set = keySet(options());
  std::vector<std::thread> threads;
  std::atomic<int> found{0};
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] { found += static_cast<int>(set->current()->count("k1")); });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(found, 8);
  EXPECT_EQ(served_.jwks_requests, 1);
}

TEST_F(JwksTest, EveryFetchHasATimeout) {
  served_.delay_ms = 1500;
  auto o = options();
  o.timeout = std::chrono::milliseconds(200);
  auto set = keySet(o);
  const auto started = std::chrono::steady_clock::now();
  EXPECT_FALSE(set->refresh());
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::milliseconds(1200));
  EXPECT_TRUE(set->current()->empty());
}

TEST_F(JwksTest, AnUnreachableServerIsAFailedFetchNotACrash) {
  JwksOptions o;
  o.jwks_uri = "http://127.0.0.1:1/keys";
  o.timeout = std::chrono::milliseconds(300);
  JwksKeySet set(o);
  EXPECT_FALSE(set.refresh());
  EXPECT_TRUE(set.current()->empty());
}

}  // namespace
}  // namespace authd::verifier
