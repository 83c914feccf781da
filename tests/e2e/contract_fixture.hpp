// The server of the contract suites: the real binary on a fresh database, one per run of the
// suite, and a client of it.
#pragma once

#include <gtest/gtest.h>

#include <iostream>

#include "api_client.hpp"
#include "authd_process.hpp"
#include "test_database.hpp"

namespace authd::testing {

inline constexpr const char* kPassword = ApiClient::kPassword;

class ContractTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    database_ = new TestDatabase(/*migrate=*/false);
    server_ = new AuthdProcess(database_->url());
  }
  static void TearDownTestSuite() {
    delete server_;
    delete database_;
  }
  void TearDown() override {
    if (HasFailure())
      std::cerr << "authd log (tail):\n"
                << server_->log().substr(server_->log().size() > 4000 ? server_->log().size() - 4000
                                                                      : 0);
  }

  nlohmann::json makeAdmin(const std::string& name) {
    auto tokens = api_.signUp(name);
    std::string out;
    EXPECT_EQ(runAuthd({"grant-role", name + "@example.com", "admin"}, database_->url(), &out), 0)
        << out;
    return api_.logIn(name);  // a new token carries the new role
  }

  ApiClient api_{server_->baseUrl()};
  HttpClient& http_ = api_.http();
  inline static TestDatabase* database_ = nullptr;
  inline static AuthdProcess* server_ = nullptr;
};

}  // namespace authd::testing
