#include "shared/infrastructure/odb_unit_of_work.hpp"

#include <odb/exceptions.hxx>
#include <odb/transaction.hxx>

#include "shared/core/errors.hpp"

namespace authd {
namespace {

class OdbTransaction final : public Transaction {
 public:
  OdbTransaction(odb::transaction_impl* impl, std::atomic<int>& in_use)
      : tx_(impl), in_use_(in_use) {
    in_use_.fetch_add(1, std::memory_order_relaxed);
  }
  ~OdbTransaction() override {
    in_use_.fetch_sub(1, std::memory_order_relaxed);
    if (!tx_.finalized()) {
      try {
        tx_.rollback();
      } catch (...) {
        // The connection is gone; the server rolls back on its own.
      }
    }
  }
  void commit() override {
    translateDatabaseFaults([&] { tx_.commit(); });
  }

 private:
  odb::transaction tx_;
  std::atomic<int>& in_use_;
};

}  // namespace

std::unique_ptr<Transaction> OdbUnitOfWork::begin() {
  try {
    return std::make_unique<OdbTransaction>(db_->begin(), in_use_);
  } catch (const odb::exception& e) {
    // Opening a connection failed: the database is unreachable or refuses us.
    throw UnavailableError(std::string("database unavailable: ") + e.what());
  }
}

}  // namespace authd
