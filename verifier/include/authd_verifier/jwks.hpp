// A key set fed from authd's JWKS over HTTP(S), for services that verify offline.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "authd_verifier/verifier.hpp"

namespace authd::verifier {

struct JwksOptions {
  // The JWKS URL; when empty, read from {issuer}/.well-known/openid-configuration's jwks_uri,
  // which must be on the issuer's own origin, in a document naming that issuer.
  std::string jwks_uri;
  std::string issuer;
  std::chrono::milliseconds timeout{2000};  // every fetch, connection included
  // A token naming an unknown kid refetches at most once per this interval; with
  // refetch_on_unknown_kid false it never does (keys arrive only as the max-age runs out).
  bool refetch_on_unknown_kid = true;
  std::chrono::seconds min_refetch_interval{10};
  // Used when the answer carries no Cache-Control max-age.
  std::chrono::seconds default_max_age{300};
  // How long past its max-age a cached set keeps being served while fetches fail; after that
  // no key is trusted until a fetch succeeds (bounded staleness).
  std::chrono::seconds max_stale{3600};
  std::size_t max_document_bytes = 1 << 20;
};

// Fetches lazily: the first verify() loads the set, a verify() after its max-age refreshes it
// (one fetch in flight at a time; the other threads go on with the cached set meanwhile).
// Thread-safe.
class JwksKeySet final : public KeySet {
 public:
  explicit JwksKeySet(JwksOptions options);
  ~JwksKeySet() override;
  JwksKeySet(const JwksKeySet&) = delete;
  JwksKeySet& operator=(const JwksKeySet&) = delete;

  std::shared_ptr<const KeyMap> current() const override;
  std::shared_ptr<const KeyMap> refreshFor(std::string_view kid) const override;

  // Fetches now (for start-up); false when the fetch failed (the cached set, if any, stays).
  bool refresh() const;
  // How many fetches were attempted (for tests and metrics).
  std::uint64_t fetches() const;

  // The clock, for tests: steady seconds.
  using Clock = std::function<std::int64_t()>;
  void setClock(Clock clock) { clock_ = std::move(clock); }

 private:
  struct State;
  bool fetch(std::unique_lock<std::mutex>& fetch_lock) const;
  bool fetchOnce(std::unique_lock<std::mutex>& fetch_lock) const;
  bool backingOff() const;
  std::shared_ptr<const KeyMap> usable() const;
  std::int64_t now() const;

  JwksOptions options_;
  Clock clock_;
  std::unique_ptr<State> state_;
};

// One HTTP GET with libcurl (timeout, size limit, no redirects); used by JwksKeySet and
// exposed for tests. Returns the status (0 on a transport failure), the body and the
// Cache-Control max-age when present.
struct HttpAnswer {
  long status = 0;
  std::string body;
  std::optional<std::int64_t> max_age;
};
HttpAnswer httpGet(const std::string& url, std::chrono::milliseconds timeout,
                   std::size_t max_bytes);
HttpAnswer httpPostJson(const std::string& url, const std::string& body,
                        std::chrono::milliseconds timeout, std::size_t max_bytes);

}  // namespace authd::verifier
