#include "authd_verifier/jwks.hpp"

#include <curl/curl.h>

#include <atomic>
#include <cctype>
#include <stdexcept>

#include <nlohmann/json.hpp>

namespace authd::verifier {
namespace {

void initCurl() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct Sink {
  std::string body;
  std::size_t max_bytes = 0;
  std::optional<std::int64_t> max_age;
};

std::size_t onBody(char* data, std::size_t size, std::size_t n, void* user) {
  auto* sink = static_cast<Sink*>(user);
  const std::size_t bytes = size * n;
  if (sink->body.size() + bytes > sink->max_bytes) return 0;  // aborts the transfer
  sink->body.append(data, bytes);
  return bytes;
}

// Cache-Control: ..., max-age=N, ... (RFC 9111); no-store or no-cache mean 0.
std::size_t onHeader(char* data, std::size_t size, std::size_t n, void* user) {
  auto* sink = static_cast<Sink*>(user);
  std::string line(data, size * n);
  std::string lower;
  for (char c : line) lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  if (lower.rfind("cache-control:", 0) == 0) {
    if (lower.find("no-store") != std::string::npos || lower.find("no-cache") != std::string::npos) {
      sink->max_age = 0;
    }
    const auto at = lower.find("max-age=");
    if (at != std::string::npos) {
      std::int64_t v = 0;
      std::size_t i = at + 8;
      bool digits = false;
      while (i < lower.size() && std::isdigit(static_cast<unsigned char>(lower[i])) &&
             v < 10'000'000) {
        v = v * 10 + (lower[i++] - '0');
        digits = true;
      }
      if (digits) sink->max_age = v;
    }
  }
  return size * n;
}

HttpAnswer request(const std::string& url, const std::string* post_body,
                   std::chrono::milliseconds timeout, std::size_t max_bytes) {
  initCurl();
  HttpAnswer out;
  CURL* curl = curl_easy_init();
  if (curl == nullptr) return out;
  Sink sink;
  sink.max_bytes = max_bytes;
  curl_slist* headers = nullptr;
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);  // threads: timeouts without SIGALRM
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(timeout.count()));
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, onBody);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &sink);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, onHeader);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &sink);
  if (post_body != nullptr) {
    headers = curl_slist_append(headers, "Content-Type: application/json");
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, post_body->c_str());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(post_body->size()));
  }
  if (curl_easy_perform(curl) == CURLE_OK) {
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &out.status);
    out.body = std::move(sink.body);
    out.max_age = sink.max_age;
  }
  curl_slist_free_all(headers);
  curl_easy_cleanup(curl);
  return out;
}

// "https://auth.example.com:8443/base" -> "https://auth.example.com:8443".
std::string originOf(const std::string& url) {
  const auto scheme = url.find("://");
  if (scheme == std::string::npos) return url;
  const auto path = url.find('/', scheme + 3);
  return path == std::string::npos ? url : url.substr(0, path);
}

}  // namespace

HttpAnswer httpGet(const std::string& url, std::chrono::milliseconds timeout,
                   std::size_t max_bytes) {
  return request(url, nullptr, timeout, max_bytes);
}

HttpAnswer httpPostJson(const std::string& url, const std::string& body,
                        std::chrono::milliseconds timeout, std::size_t max_bytes) {
  return request(url, &body, timeout, max_bytes);
}

struct JwksKeySet::State {
  mutable std::mutex mutex;  // guards the fields below
  std::shared_ptr<const KeyMap> keys = std::make_shared<KeyMap>();
  bool loaded = false;
  std::int64_t fresh_until = 0;     // max-age runs out
  std::int64_t last_attempt = -1;   // of any fetch
  bool last_failed = false;         // the last fetch failed: back off before the next
  std::int64_t last_unknown_kid = -1;
  std::string jwks_uri;
  mutable std::mutex fetch_mutex;  // at most one fetch in flight
  std::atomic<std::uint64_t> fetches{0};
};

JwksKeySet::JwksKeySet(JwksOptions options)
    : options_(std::move(options)), state_(std::make_unique<State>()) {
  if (options_.jwks_uri.empty() && options_.issuer.empty()) {
    throw std::invalid_argument("JwksKeySet needs a jwks_uri or an issuer");
  }
  state_->jwks_uri = options_.jwks_uri;
}

JwksKeySet::~JwksKeySet() = default;

std::int64_t JwksKeySet::now() const {
  if (clock_) return clock_();
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

std::uint64_t JwksKeySet::fetches() const { return state_->fetches.load(); }

// Called with fetch_mutex held. Updates the state on success; on failure only the attempt time.
bool JwksKeySet::fetch(std::unique_lock<std::mutex>& fetching) const {
  const bool ok = fetchOnce(fetching);
  std::lock_guard<std::mutex> lock(state_->mutex);
  state_->last_failed = !ok;
  return ok;
}

bool JwksKeySet::fetchOnce(std::unique_lock<std::mutex>&) const {
  ++state_->fetches;
  const std::int64_t started = now();
  std::string uri;
  {
    std::lock_guard<std::mutex> lock(state_->mutex);
    state_->last_attempt = started;
    uri = state_->jwks_uri;
  }
  if (uri.empty()) {  // discovery first
    std::string base = options_.issuer;
    while (!base.empty() && base.back() == '/') base.pop_back();
    const auto doc = httpGet(base + "/.well-known/openid-configuration", options_.timeout,
                             options_.max_document_bytes);
    if (doc.status != 200) return false;
    const auto j = nlohmann::json::parse(doc.body, nullptr, false);
    if (j.is_discarded() || !j.is_object() || !j.contains("jwks_uri") ||
        !j.at("jwks_uri").is_string() || !j.contains("issuer") || !j.at("issuer").is_string()) {
      return false;
    }
    // OpenID Connect Discovery 1.0, 4.3: the document must name the issuer asked for; and the
    // keys must come from the issuer's own origin (scheme, host and port), so a tampered
    // document cannot point at keys elsewhere or downgrade https to http.
    std::string named = j.at("issuer").get<std::string>();
    while (!named.empty() && named.back() == '/') named.pop_back();
    uri = j.at("jwks_uri").get<std::string>();
    if (named != base || uri.rfind(originOf(base) + "/", 0) != 0) return false;
    std::lock_guard<std::mutex> lock(state_->mutex);
    state_->jwks_uri = uri;
  }
  const auto answer = httpGet(uri, options_.timeout, options_.max_document_bytes);
  if (answer.status != 200) return false;
  auto keys = parseJwks(answer.body);
  if (!keys) return false;
  auto map = std::make_shared<KeyMap>();
  for (auto& k : *keys) map->emplace(k.kid, std::move(k));
  const std::int64_t max_age = answer.max_age ? *answer.max_age : options_.default_max_age.count();
  std::lock_guard<std::mutex> lock(state_->mutex);
  state_->keys = std::move(map);
  state_->loaded = true;
  state_->fresh_until = now() + max_age;
  return true;
}

bool JwksKeySet::refresh() const {
  std::unique_lock<std::mutex> fetching(state_->fetch_mutex);
  return fetch(fetching);
}

std::shared_ptr<const KeyMap> JwksKeySet::current() const {
  std::shared_ptr<const KeyMap> keys;
  bool loaded = false;
  std::int64_t fresh_until = 0;
  {
    std::lock_guard<std::mutex> lock(state_->mutex);
    keys = state_->keys;
    loaded = state_->loaded;
    fresh_until = state_->fresh_until;
  }
  const std::int64_t t = now();
  if (loaded && t < fresh_until) return keys;
  if (!loaded) {
    // Nothing cached: wait for the one fetch in flight (at most one timeout), or make it --
    // unless one failed less than a second ago: then refuse at once rather than queue up
    // fetch after fetch while authd is away.
    std::unique_lock<std::mutex> fetching(state_->fetch_mutex);
    {
      std::lock_guard<std::mutex> lock(state_->mutex);
      if (state_->loaded) return state_->keys;
      if (backingOff()) return state_->keys;
    }
    fetch(fetching);
    std::lock_guard<std::mutex> lock(state_->mutex);
    return state_->keys;
  }
  // Stale: one thread refetches (after a failure, at most once a second); the others serve the
  // cached set meanwhile.
  std::unique_lock<std::mutex> fetching(state_->fetch_mutex, std::try_to_lock);
  if (fetching.owns_lock()) {
    bool due = false;
    {
      std::lock_guard<std::mutex> lock(state_->mutex);
      due = now() >= state_->fresh_until && !backingOff();
    }
    if (due) fetch(fetching);
  }
  std::lock_guard<std::mutex> lock(state_->mutex);
  return usable();
}

// With state_->mutex held: a failed fetch less than a second ago.
bool JwksKeySet::backingOff() const {
  return state_->last_failed && now() - state_->last_attempt < 1;
}

// With state_->mutex held: the cached set, or nothing once it is max_stale past its max-age
// (fetches keep failing): staleness is bounded on every path.
std::shared_ptr<const KeyMap> JwksKeySet::usable() const {
  if (now() >= state_->fresh_until + options_.max_stale.count()) {
    return std::make_shared<KeyMap>();
  }
  return state_->keys;
}

std::shared_ptr<const KeyMap> JwksKeySet::refreshFor(std::string_view kid) const {
  if (!options_.refetch_on_unknown_kid) return nullptr;
  {
    // Made-up kids cost at most one fetch per interval, and wait for nothing once it is spent.
    std::lock_guard<std::mutex> lock(state_->mutex);
    const std::int64_t t = now();
    if (state_->last_unknown_kid >= 0 &&
        t - state_->last_unknown_kid < options_.min_refetch_interval.count()) {
      return nullptr;
    }
    state_->last_unknown_kid = t;
  }
  std::unique_lock<std::mutex> fetching(state_->fetch_mutex);  // at most one fetch's wait
  {
    // A fetch finished while we waited may have brought it (within the staleness bound).
    std::lock_guard<std::mutex> lock(state_->mutex);
    auto keys = usable();
    if (keys->count(kid) > 0) return keys;
  }
  if (!fetch(fetching)) return nullptr;
  std::lock_guard<std::mutex> lock(state_->mutex);
  return usable();
}

}  // namespace authd::verifier
