// gMock's "delegating calls to a fake": a mock whose every call, unless a test says otherwise
// with EXPECT_CALL, goes to the in-memory fake. Tests keep one store and can still script the
// one interaction under test (a lost version race, say).
#pragma once

#include <stdexcept>

#include "fakes/in_memory_repositories.hpp"
#include "mocks/mock_ports.hpp"

namespace authd::testing {

void delegateTo(MockUserRepository& mock, InMemoryUserRepository& fake);
void delegateTo(MockUserStatements& mock, InMemoryUserStatements& fake);
void delegateTo(MockLoginThrottle& mock, InMemoryLoginThrottle& fake);
void delegateTo(MockResetRequestQueue& mock, InMemoryResetRequestQueue& fake);
void delegateTo(MockMfaRepository& mock, InMemoryMfaRepository& fake);
void delegateTo(MockMfaChallengeStore& mock, InMemoryMfaChallengeStore& fake);
void delegateTo(MockSealer& mock, MarkingSealer& fake);

// For tests: another transaction changes the stored user `id` and commits, while ours runs
// (its version is bumped, as a real write would).
void changeConcurrently(InMemoryDatabase& db, const Uuid& id,
                        const std::function<void(users::domain::User&)>& change);

// The retry path: the next update() loses an optimistic race (another writer bumps the stored
// row's version first and the update answers Conflict); the use case must then re-read the
// user with a row lock (expected) and write again, which succeeds.
void loseNextUpdate(MockUserRepository& mock, InMemoryUserRepository& fake, InMemoryDatabase& db);

// A transaction of InMemoryUnitOfWork (so what a failed attempt wrote to the fakes rolls
// back, as in PostgreSQL) that also counts commits for the fixture.
class CountedTransaction final : public Transaction {
 public:
  CountedTransaction(std::unique_ptr<Transaction> inner, int& commits)
      : inner_(std::move(inner)), commits_(commits) {}
  void commit() override {
    inner_->commit();
    ++commits_;
  }

 private:
  std::unique_ptr<Transaction> inner_;
  int& commits_;
};

// The one account a use-case fixture works on, as the fake stores it (the row added or put
// last). Reads like a std::optional<User>; assigning stores the user.
class StoredUser {
 public:
  explicit StoredUser(InMemoryUserRepository& repo) : repo_(repo) {}
  StoredUser& operator=(users::domain::User user) {
    repo_.put(std::move(user));
    return *this;
  }
  users::domain::User* operator->() const { return get(); }
  users::domain::User& operator*() const { return *get(); }
  explicit operator bool() const { return repo_.newest() != nullptr; }
  bool has_value() const { return repo_.newest() != nullptr; }

 private:
  users::domain::User* get() const {
    auto* user = repo_.newest();
    if (user == nullptr) throw std::logic_error("the fixture stored no user");
    return user;
  }
  InMemoryUserRepository& repo_;
};

}  // namespace authd::testing
