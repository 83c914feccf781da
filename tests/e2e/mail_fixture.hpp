// A suite's server that sends real mail: the real binary on a fresh database, its mail going
// to an SMTP sink (aiosmtpd on loopback), one per suite. A suite starts it in its own
// SetUpTestSuite with the settings it needs.
#pragma once

#include <gtest/gtest.h>

#include <iostream>
#include <map>
#include <string>

#include "api_client.hpp"
#include "authd_process.hpp"
#include "smtp_sink.hpp"
#include "test_database.hpp"

namespace authd::testing {

class MailingServerTest : public ::testing::Test {
 protected:
  // Mail is polled every 50 ms and retried after 100 ms, so tests wait little for it.
  static void startServer(std::map<std::string, std::string> env) {
    database_ = new TestDatabase(false);
    sink_ = new SmtpSink();
    env.emplace("AUTH_SMTP_URL", sink_->url());
    env.emplace("AUTH_MAIL_POLL_MS", "50");
    env.emplace("AUTH_MAIL_RETRY_BASE_MS", "100");
    server_ = new AuthdProcess(database_->url(), std::move(env));
  }
  static void TearDownTestSuite() {
    delete server_;
    delete sink_;
    delete database_;
    server_ = nullptr;
    sink_ = nullptr;
    database_ = nullptr;
  }
  void TearDown() override {
    if (HasFailure()) std::cerr << "authd log:\n" << server_->log();
  }

  ApiClient api_{server_->baseUrl()};
  HttpClient& http_ = api_.http();
  inline static TestDatabase* database_ = nullptr;
  inline static SmtpSink* sink_ = nullptr;
  inline static AuthdProcess* server_ = nullptr;
};

}  // namespace authd::testing
