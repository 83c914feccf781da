// Fixture of the route-level tests: a fresh in-process server per test and a client of it.
#pragma once

#include <gtest/gtest.h>

#include "api_client.hpp"
#include "in_process_server.hpp"

namespace authd::testing {

class RouteTest : public ::testing::Test {
 protected:
  // Signs `name` up, grants it admin straight in the store, and logs in again (the new token
  // carries the role).
  nlohmann::json makeAdmin(const std::string& name) {
    const auto tokens = api_.signUp(name);
    const auto id = Uuid::parse(tokens.at("user").at("id").get<std::string>());
    auto* user = server_.users().row(*id);
    user->grantRole("admin", server_.clock().now());
    user->setVersion(user->version() + 1);
    return api_.logIn(name);
  }
  // The mail the outbox holds, newest last.
  std::vector<auth::application::Mail> outbox() {
    std::lock_guard<std::recursive_mutex> lock(server_.database().mutex);
    return server_.database().tables.outbox;
  }

  InProcessServer server_;
  ApiClient api_{server_.baseUrl()};
};

}  // namespace authd::testing
