#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <mutex>
#include <sstream>
#include <string>
#include <vector>

namespace authd::http {

// In-process Prometheus metrics (text exposition format 0.0.4): requests by route template
// (never a raw path), method and status; latency histograms by route; login failures;
// refresh-token reuse detections; logins refused by a lockout; gauges read at scrape time (DB
// pool in use, hashing queue, mail outbox backlog).
// Thread-safe.
class Metrics {
 public:
  Metrics();
  void observeRequest(const std::string& route, const char* method, int status, double seconds);
  void countLoginFailure() { login_failures_.fetch_add(1, std::memory_order_relaxed); }
  void countRefreshReuse() { refresh_reuse_.fetch_add(1, std::memory_order_relaxed); }
  // A login (or its MFA step) refused because the account is locked out.
  void countLockoutRefusal() { lockout_refusals_.fetch_add(1, std::memory_order_relaxed); }
  // A gauge whose value `read` returns when scraped.
  void addGauge(std::string name, std::string help, std::function<double()> read);
  std::string render() const;

 private:
  void render(std::ostringstream& out) const;  // the counters and histograms, under mu_
  struct RouteStats {
    std::vector<unsigned long long> buckets;  // cumulative counts per upper bound
    unsigned long long count = 0;
    double sum = 0;
  };
  struct Gauge {
    std::string name, help;
    std::function<double()> read;
  };
  mutable std::mutex mu_;
  std::map<std::string, unsigned long long> requests_;  // "route\nmethod\nstatus" -> count
  std::map<std::string, RouteStats> latency_;
  std::vector<Gauge> gauges_;
  std::atomic<unsigned long long> login_failures_{0};
  std::atomic<unsigned long long> refresh_reuse_{0};
  std::atomic<unsigned long long> lockout_refusals_{0};
};

}  // namespace authd::http
