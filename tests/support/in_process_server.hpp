// The route-level test tier: the real route table, handlers, use cases and HTTP edge of
// `authd serve`, on 127.0.0.1:0, with the repositories replaced by the in-memory fakes and the
// password hasher by a cheap one. It answers in microseconds, so route tests check each
// route's status and body mapping without PostgreSQL, and the request-path fuzzer drives it.
#pragma once

#include <memory>
#include <string>

#include "fakes/fakes.hpp"
#include "fakes/in_memory_repositories.hpp"

namespace authd::testing {

class InProcessServer {
 public:
  InProcessServer();
  ~InProcessServer();
  InProcessServer(const InProcessServer&) = delete;
  InProcessServer& operator=(const InProcessServer&) = delete;

  // "http://127.0.0.1:<port>"
  std::string baseUrl() const;
  unsigned short port() const;

  InMemoryDatabase& database();
  InMemoryUserRepository& users();
  FakeClock& clock();

 private:
  struct Graph;
  std::unique_ptr<Graph> graph_;
};

}  // namespace authd::testing
