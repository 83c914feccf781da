// Port: the transaction boundary. The use case owns it: it begins one transaction, lets
// repositories read and write inside it (they never commit), and commits once at the end.
#pragma once

#include <memory>

#include "shared/core/result.hpp"

namespace authd {

class Transaction {
 public:
  // Rolls back unless commit() succeeded. Never throws.
  virtual ~Transaction() = default;
  // Makes every write of this transaction durable. Throws on infrastructure faults; a thrown
  // commit leaves nothing written.
  virtual void commit() = 0;
};

class UnitOfWork {
 public:
  virtual ~UnitOfWork() = default;
  // Begins a transaction bound to the calling thread. Not reentrant: one at a time per thread.
  virtual std::unique_ptr<Transaction> begin() = 0;
};

// Attempts of a change that loses its version check: the retry holds a row lock, so one retry
// suffices; the third covers a unique value taken concurrently.
inline constexpr int kConflictAttempts = 3;

// The one conflict-retry rule. Runs `attempt(n)` for n = 0, 1, ... in a transaction of its own:
// a success is committed; a failure with ErrorCode::Conflict (a lost optimistic version check,
// or a unique value taken concurrently) is rolled back and the attempt runs again, at most
// `attempts` times in all; any other failure is rolled back and returned. The first attempt
// reads without locks; later ones must read what they change with a row lock, so that a retry
// cannot lose again. Returns Conflict when the last attempt lost too.
template <typename Attempt>
auto retryOnConflict(UnitOfWork& uow, int attempts, Attempt&& attempt) -> decltype(attempt(0)) {
  for (int n = 0; n < attempts; ++n) {
    auto tx = uow.begin();
    auto result = attempt(n);
    if (!result && result.error().code == ErrorCode::Conflict) continue;
    if (result) tx->commit();
    return result;
  }
  return tl::unexpected(Error{ErrorCode::Conflict, "The account changed concurrently; try again."});
}

}  // namespace authd
