#include "fakes/in_memory_database.hpp"

#include <algorithm>
#include <stdexcept>

namespace authd::testing {
namespace {

// Well-formed UTF-8 as PostgreSQL checks it: shortest forms only, no surrogates, at most
// U+10FFFF. Written here, not taken from src/, so a bug there cannot hide itself.
bool isStorableUtf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c == 0) return false;
    std::size_t n = 0;
    std::uint32_t cp = 0;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      n = 1;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      n = 2;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      n = 3;
      cp = c & 0x07;
    } else {
      return false;
    }
    for (std::size_t k = 1; k <= n; ++k) {
      if (i + k >= s.size()) return false;
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    static constexpr std::uint32_t kMin[] = {0, 0x80, 0x800, 0x10000};
    if (cp < kMin[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += n + 1;
  }
  return true;
}

}  // namespace

void refuseLikePostgres(std::string_view column, std::string_view value) {
  if (!isStorableUtf8(value)) {
    throw std::runtime_error("invalid byte sequence for encoding \"UTF8\" in " +
                             std::string(column));
  }
}

void InMemoryDatabase::concurrently(const std::function<void(InMemoryTables&)>& change) {
  std::lock_guard<std::recursive_mutex> lock(mutex);
  change(tables);
  for (auto* snapshot : open_snapshots) change(*snapshot);
}

namespace {

// Puts `live` back to `snapshot` keeping the nodes of rows that exist in both, as a database
// keeps its rows: a test holding a reference into a row (stored_->id()) across a rollback
// still reads valid memory.
template <typename Map>
void restoreRows(Map& live, const Map& snapshot) {
  for (auto it = live.begin(); it != live.end();) {
    it = snapshot.count(it->first) ? std::next(it) : live.erase(it);
  }
  for (const auto& [key, value] : snapshot) {
    auto it = live.find(key);
    if (it == live.end()) {
      live.emplace(key, value);
    } else {
      it->second = value;
    }
  }
}

}  // namespace

class InMemoryUnitOfWork::Tx final : public Transaction {
 public:
  Tx(InMemoryUnitOfWork& uow) : uow_(uow), lock_(uow.db_.mutex), snapshot_(uow.db_.tables) {
    uow_.db_.open_snapshots.push_back(&snapshot_);
  }
  ~Tx() override {
    auto& open = uow_.db_.open_snapshots;
    open.erase(std::find(open.begin(), open.end(), &snapshot_));
    if (committed_) return;
    auto& tables = uow_.db_.tables;
    restoreRows(tables.users, snapshot_.users);
    tables.events = std::move(snapshot_.events);
    tables.account_tokens = std::move(snapshot_.account_tokens);
    tables.outbox = std::move(snapshot_.outbox);
    tables.reset_requests = std::move(snapshot_.reset_requests);
    tables.throttle = std::move(snapshot_.throttle);
    tables.mfa = std::move(snapshot_.mfa);
    tables.challenges = std::move(snapshot_.challenges);
  }
  void commit() override {
    committed_ = true;
    ++uow_.commits_;
  }

 private:
  InMemoryUnitOfWork& uow_;
  std::unique_lock<std::recursive_mutex> lock_;
  InMemoryTables snapshot_;
  bool committed_ = false;
};

std::unique_ptr<Transaction> InMemoryUnitOfWork::begin() {
  auto tx = std::make_unique<Tx>(*this);
  ++begins_;
  return tx;
}

}  // namespace authd::testing
