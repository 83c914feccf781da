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

  // The active key (unsealed), the pending key (public half only) and the retired keys still
  // inside their retention; never a revoked key. A pending key whose time has come becomes
  // active first (the old active key retires), and when none is active one is generated.
  // Throws std::runtime_error when the active key cannot be unsealed (wrong master key).
  std::vector<domain::SigningKey> loadOrCreate();

  struct Rotation {
    std::string new_kid;
    Timestamp activates_at;    // when the new key signs (now, for a rotation `now`)
    std::string retired_kid;   // empty unless the rotation retired the active key now
    std::string replaced_kid;  // a pending key that had not signed yet, deleted
    std::size_t pruned = 0;    // retired keys past their retention, deleted
  };
  // `authd rotate-keys`: publishes a new key that becomes active after `activation_delay`
  // (replacing a pending one); with a zero delay (`--now`, after a compromise) it is active at
  // once and the old active key retires now. Deletes retired keys past their retention.
  Rotation rotate(Seconds activation_delay);

  enum class Revocation { Revoked, AlreadyRevoked, Unknown, Active };
  // `authd revoke-key KID`: takes the key out of the JWKS and of verification (instances drop
  // it at their next reload). Refuses the active key (Active): rotate with `--now` first.
  Revocation revoke(const std::string& kid);

 private:
  std::shared_ptr<odb::pgsql::database> db_;
  const MasterKey& master_;
  RandomSource& random_;
  Clock& clock_;
  Seconds retention_;
};

}  // namespace authd::keys::infrastructure
