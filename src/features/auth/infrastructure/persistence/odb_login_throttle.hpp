#pragma once

#include <atomic>
#include <memory>
#include <string>

#include <odb/pgsql/database.hxx>

#include "features/auth/application/ports/login_throttle.hpp"
#include "shared/core/random_source.hpp"
#include "shared/core/secret_bytes.hpp"

namespace authd::auth::infrastructure {

// LoginThrottle in login_failures, inside the caller's transaction. Identifiers are stored as
// keyed BLAKE2b digests under `digest_key` (32 bytes). Counting is one atomic upsert, so
// concurrent attempts on any instance each get a distinct count. Thread-safe.
class OdbLoginThrottle final : public application::LoginThrottle {
 public:
  OdbLoginThrottle(std::shared_ptr<odb::pgsql::database> db, Secret digest_key);
  Count countAttempt(std::string_view identifier, Timestamp now, Seconds window) override;
  void reset(std::string_view identifier) override;
  // Retention (its own transaction): deletes counts whose window started before `cutoff`.
  std::size_t pruneBefore(Timestamp cutoff);
  // `authd rotate-secrets`: forgets every count (they are keyed by the old digest key), inside
  // the caller's transaction.
  static std::size_t forgetAll(odb::pgsql::database& db);

  // Hex digest under which `identifier` is stored (for tests and operators).
  std::string digestOf(std::string_view identifier) const;

 private:
  std::shared_ptr<odb::pgsql::database> db_;
  Secret key_;  // guarded memory, shared, never copied
  std::atomic<unsigned> calls_{0};
};

}  // namespace authd::auth::infrastructure
