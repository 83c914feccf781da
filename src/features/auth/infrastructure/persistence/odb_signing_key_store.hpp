#pragma once

#include <memory>
#include <vector>

#include <odb/pgsql/database.hxx>

#include "features/auth/infrastructure/crypto/master_key.hpp"
#include "features/auth/infrastructure/crypto/signing_key.hpp"
#include "shared/core/clock.hpp"

namespace authd::auth::infrastructure {

// Signing keys in the signing_keys table, private halves sealed by the master key.
// A start-up component, not a request-path repository: it runs its own short transaction.
class OdbSigningKeyStore {
 public:
  OdbSigningKeyStore(std::shared_ptr<odb::pgsql::database> db, const MasterKey& master,
                     RandomSource& random, Clock& clock)
      : db_(std::move(db)), master_(master), random_(random), clock_(clock) {}

  // Every stored key, the active one unsealed. When none is active, generates one first; an
  // advisory lock makes instances starting together agree on a single key. Throws
  // std::runtime_error when the active key cannot be unsealed (wrong master key).
  std::vector<SigningKey> loadOrCreate();

 private:
  std::shared_ptr<odb::pgsql::database> db_;
  const MasterKey& master_;
  RandomSource& random_;
  Clock& clock_;
};

}  // namespace authd::auth::infrastructure
