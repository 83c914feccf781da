#pragma once

#include <memory>
#include <string>
#include <vector>

#include <odb/pgsql/database.hxx>

#include "features/keys/domain/signing_key.hpp"
#include "features/keys/infrastructure/crypto/master_key.hpp"
#include "shared/core/clock.hpp"

namespace authd::keys::infrastructure {

// Taken (transaction-scoped) by everything that creates or re-seals key material -- signing
// keys, server secrets, master-key rotation -- so instances and operators never interleave.
// The number is arbitrary: it names "authd key material" among advisory locks.
inline constexpr const char* kKeyMaterialLock = "SELECT pg_advisory_xact_lock(7236002)";

// Signing keys in the signing_keys table, private halves sealed by the master key.
// A start-up and operator component, not a request-path repository: each call runs its own
// short transaction under one advisory lock, so instances and operators agree on one key.
class OdbSigningKeyStore {
 public:
  // `retention`: how long a retired key stays published and trusted -- the longest an access
  // token it signed can still be accepted (AUTH_ACCESS_TTL plus the verification leeway).
  OdbSigningKeyStore(std::shared_ptr<odb::pgsql::database> db, const MasterKey& master,
                     RandomSource& random, Clock& clock, Seconds retention = Seconds(930))
      : db_(std::move(db)),
        master_(master),
        random_(random),
        clock_(clock),
        retention_(retention) {}

  // The active key (unsealed) and the retired keys still inside their retention. When none
  // is active, generates one first. Throws std::runtime_error when the active key cannot be
  // unsealed (wrong master key).
  std::vector<domain::SigningKey> loadOrCreate();

  struct Rotation {
    std::string new_kid;
    std::string retired_kid;  // empty when there was no active key
    std::size_t pruned = 0;   // retired keys past their retention, deleted
  };
  // `authd rotate-keys`: retires the active key and makes a new one active; deletes retired
  // keys whose retention has passed.
  Rotation rotate();

 private:
  std::shared_ptr<odb::pgsql::database> db_;
  const MasterKey& master_;
  RandomSource& random_;
  Clock& clock_;
  Seconds retention_;
};

}  // namespace authd::keys::infrastructure
