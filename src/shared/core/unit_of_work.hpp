// Port: the transaction boundary. The use case owns it: it begins one transaction, lets
// repositories read and write inside it (they never commit), and commits once at the end.
#pragma once

#include <memory>

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

}  // namespace authd
