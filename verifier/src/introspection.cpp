#include "authd_verifier/introspection.hpp"

#include <sodium.h>

#include <atomic>
#include <mutex>
#include <stdexcept>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "authd_verifier/jwks.hpp"

namespace authd::verifier {
namespace {

std::int64_t steadyMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// Cache keys are digests: the cache never holds a usable token.
std::string digestOf(std::string_view token) {
  unsigned char out[32];
  crypto_generichash(out, sizeof out, reinterpret_cast<const unsigned char*>(token.data()),
                     token.size(), nullptr, 0);
  return std::string(reinterpret_cast<const char*>(out), sizeof out);
}

}  // namespace

struct Introspection::Cache {
  std::mutex mutex;
  std::unordered_map<std::string, std::int64_t> active_until;  // digest -> steady ms
  std::atomic<std::uint64_t> calls{0};
};

Introspection::Introspection(IntrospectionOptions options)
    : options_(std::move(options)), cache_(std::make_unique<Cache>()) {
  if (options_.endpoint.empty()) {
    std::string base = options_.issuer;
    while (!base.empty() && base.back() == '/') base.pop_back();
    if (base.empty()) throw std::invalid_argument("Introspection needs an endpoint or an issuer");
    options_.endpoint = base + "/v1/auth/introspect";
  }
  if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
}

Introspection::~Introspection() = default;

std::uint64_t Introspection::calls() const { return cache_->calls.load(); }

bool Introspection::active(std::string_view token) const {
  const std::string key = digestOf(token);
  const std::int64_t now = steadyMillis();
  if (options_.positive_ttl.count() > 0) {
    std::lock_guard<std::mutex> lock(cache_->mutex);
    const auto it = cache_->active_until.find(key);
    if (it != cache_->active_until.end()) {
      if (now < it->second) return true;
      cache_->active_until.erase(it);
    }
  }
  ++cache_->calls;
  const std::string body = nlohmann::json{{"token", std::string(token)}}.dump();
  const auto answer = httpPostJson(options_.endpoint, body, options_.timeout, 64 * 1024);
  if (answer.status != 200) return false;
  const auto j = nlohmann::json::parse(answer.body, nullptr, false);
  const bool active = !j.is_discarded() && j.is_object() && j.contains("active") &&
                      j.at("active").is_boolean() && j.at("active").get<bool>();
  if (active && options_.positive_ttl.count() > 0) {
    std::lock_guard<std::mutex> lock(cache_->mutex);
    if (cache_->active_until.size() >= options_.max_entries) cache_->active_until.clear();
    cache_->active_until[key] = now + options_.positive_ttl.count();
  }
  return active;
}

}  // namespace authd::verifier
