// JwksKeySet against a real HTTP server on loopback (Pistache), with the clock as a parameter:
// max-age, refetch on an unknown kid, bounded staleness, one fetch in flight, timeouts.
#include "authd_verifier/jwks.hpp"

#include <gtest/gtest.h>
#include <pistache/endpoint.h>
#include <pistache/http.h>

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
};

class JwksHandler : public Pistache::Http::Handler {
 public:
  HTTP_PROTOTYPE(JwksHandler)
  explicit JwksHandler(Served* s) : s_(s) {}
  void onRequest(const Pistache::Http::Request& req, Pistache::Http::ResponseWriter res) override {
    if (req.resource() == "/.well-known/openid-configuration") {
      res.send(Pistache::Http::Code::Ok, nlohmann::json{{"jwks_uri", s_->base + "/keys"}}.dump());
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
