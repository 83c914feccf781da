// Metrics: the Prometheus text /metrics serves.

#include "shared/presentation/metrics.hpp"

#include <gtest/gtest.h>

namespace authd {
namespace {

TEST(MetricsTest, RendersCountersHistogramsAndGauges) {
  http::Metrics m;
  m.observeRequest("/v1/auth/login", "POST", 401, 0.003);
  m.observeRequest("/v1/auth/login", "POST", 401, 0.2);
  m.countLoginFailure();
  m.addGauge("authd_db_pool_in_use", "in use", [] { return 3.0; });
  const auto text = m.render();
  EXPECT_NE(
      text.find(
          "authd_http_requests_total{route=\"/v1/auth/login\",method=\"POST\",status=\"401\"} 2"),
      std::string::npos);
  EXPECT_NE(
      text.find(
          "authd_http_request_duration_seconds_bucket{route=\"/v1/auth/login\",le=\"0.005\"} 1"),
      std::string::npos);
  EXPECT_NE(
      text.find(
          "authd_http_request_duration_seconds_bucket{route=\"/v1/auth/login\",le=\"+Inf\"} 2"),
      std::string::npos);
  EXPECT_NE(text.find("authd_login_failures_total 1"), std::string::npos);
  EXPECT_NE(text.find("authd_db_pool_in_use 3"), std::string::npos);
}

TEST(MetricsTest, CountsLockoutRefusals) {
  http::Metrics m;
  EXPECT_NE(m.render().find("authd_login_lockout_refusals_total 0"), std::string::npos);
  m.countLockoutRefusal();
  m.countLockoutRefusal();
  EXPECT_NE(m.render().find("authd_login_lockout_refusals_total 2"), std::string::npos);
}

// A gauge may take its time (the outbox backlog asks the database): requests must still be
// counted meanwhile, so gauges are read outside the metrics' lock. Under the lock, this
// gauge's own observeRequest would deadlock.
TEST(MetricsTest, GaugesAreReadWithoutHoldingTheLockRequestsNeed) {
  http::Metrics m;
  m.addGauge("authd_slow_gauge", "slow", [&m] {
    m.observeRequest("/healthz", "GET", 200, 0.001);
    return 1.0;
  });
  EXPECT_NE(m.render().find("authd_slow_gauge 1"), std::string::npos);
  EXPECT_NE(m.render().find(
                "authd_http_requests_total{route=\"/healthz\",method=\"GET\",status=\"200\"} 1"),
            std::string::npos);
}

}  // namespace
}  // namespace authd
