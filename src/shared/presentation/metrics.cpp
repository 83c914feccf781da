#include "shared/presentation/metrics.hpp"

#include <sstream>

namespace authd::http {
namespace {

constexpr double kBounds[] = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5};

// Label values come from our own route table, but escape anyway (backslash, quote, newline).
std::string label(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') out.push_back('\\');
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out.push_back(c);
  }
  return out;
}

}  // namespace

Metrics::Metrics() = default;

void Metrics::observeRequest(const std::string& route, const char* method, int status,
                             double seconds) {
  std::lock_guard<std::mutex> lock(mu_);
  ++requests_[route + '\n' + method + '\n' + std::to_string(status)];
  auto& stats = latency_[route];
  if (stats.buckets.empty()) stats.buckets.assign(std::size(kBounds), 0);
  for (std::size_t i = 0; i < std::size(kBounds); ++i) {
    if (seconds <= kBounds[i]) ++stats.buckets[i];
  }
  ++stats.count;
  stats.sum += seconds;
}

void Metrics::addGauge(std::string name, std::string help, std::function<double()> read) {
  std::lock_guard<std::mutex> lock(mu_);
  gauges_.push_back({std::move(name), std::move(help), std::move(read)});
}

std::string Metrics::render() const {
  std::ostringstream out;
  std::vector<Gauge> gauges;
  {
    std::lock_guard<std::mutex> lock(mu_);
    render(out);
    gauges = gauges_;
  }
  // Gauges are read outside the lock: a gauge is any callback, and requests must never wait
  // on a scrape to be counted.
  for (const auto& g : gauges) {
    out << "# HELP " << g.name << " " << g.help << "\n# TYPE " << g.name << " gauge\n"
        << g.name << " " << g.read() << "\n";
  }
  return out.str();
}

void Metrics::render(std::ostringstream& out) const {
  out << "# HELP authd_http_requests_total HTTP requests by route template, method and status.\n"
         "# TYPE authd_http_requests_total counter\n";
  for (const auto& [key, count] : requests_) {
    const auto a = key.find('\n');
    const auto b = key.find('\n', a + 1);
    out << "authd_http_requests_total{route=\"" << label(key.substr(0, a)) << "\",method=\""
        << key.substr(a + 1, b - a - 1) << "\",status=\"" << key.substr(b + 1) << "\"} " << count
        << "\n";
  }
  out << "# HELP authd_http_request_duration_seconds Time from routing to response, by route.\n"
         "# TYPE authd_http_request_duration_seconds histogram\n";
  for (const auto& [route, stats] : latency_) {
    const std::string r = label(route);
    for (std::size_t i = 0; i < std::size(kBounds); ++i) {
      out << "authd_http_request_duration_seconds_bucket{route=\"" << r << "\",le=\"" << kBounds[i]
          << "\"} " << stats.buckets[i] << "\n";
    }
    out << "authd_http_request_duration_seconds_bucket{route=\"" << r << "\",le=\"+Inf\"} "
        << stats.count << "\n";
    out << "authd_http_request_duration_seconds_sum{route=\"" << r << "\"} " << stats.sum << "\n";
    out << "authd_http_request_duration_seconds_count{route=\"" << r << "\"} " << stats.count
        << "\n";
  }
  out << "# HELP authd_login_failures_total Failed logins (wrong password or unknown account).\n"
         "# TYPE authd_login_failures_total counter\n"
         "authd_login_failures_total "
      << login_failures_.load() << "\n"
      << "# HELP authd_refresh_token_reuse_total Replayed refresh tokens that revoked a session.\n"
         "# TYPE authd_refresh_token_reuse_total counter\n"
         "authd_refresh_token_reuse_total "
      << refresh_reuse_.load() << "\n"
      << "# HELP authd_login_lockout_refusals_total Logins refused because the account is "
         "locked out.\n"
         "# TYPE authd_login_lockout_refusals_total counter\n"
         "authd_login_lockout_refusals_total "
      << lockout_refusals_.load() << "\n";
}

}  // namespace authd::http
