#include "shared/infrastructure/odb_unit_of_work.hpp"

#include "shared/infrastructure/db_transaction.hpp"

namespace authd {
namespace {

class OdbTransaction final : public Transaction {
 public:
  OdbTransaction(odb::pgsql::database& db, std::atomic<int>& in_use) : tx_(db), in_use_(in_use) {
    in_use_.fetch_add(1, std::memory_order_relaxed);
  }
  ~OdbTransaction() override { in_use_.fetch_sub(1, std::memory_order_relaxed); }
  void commit() override { tx_.commit(); }

 private:
  DbTransaction tx_;  // rolls back, and drops a connection a fault may have poisoned
  std::atomic<int>& in_use_;
};

}  // namespace

std::unique_ptr<Transaction> OdbUnitOfWork::begin() {
  return std::make_unique<OdbTransaction>(*db_, in_use_);
}

}  // namespace authd
