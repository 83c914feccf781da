#pragma once

#include <functional>
#include <memory>
#include <string>

#include <odb/pgsql/database.hxx>

#include "features/keys/infrastructure/crypto/master_key.hpp"
#include "shared/core/clock.hpp"

namespace authd::keys::infrastructure {

// Symmetric server keys in server_secrets, sealed by the master key. A start-up component:
// each call runs its own short transaction under the signing-key advisory lock, so instances
// starting together agree on one value.
class OdbServerSecretStore {
 public:
  OdbServerSecretStore(std::shared_ptr<odb::pgsql::database> db, const MasterKey& master,
                       RandomSource& random, Clock& clock)
      : db_(std::move(db)), master_(master), random_(random), clock_(clock) {}

  // The secret called `name`; when there is none yet, stores `initial()` first. Throws
  // std::runtime_error when the stored value does not open with this master key.
  Secret loadOrCreate(const std::string& name, const std::function<Secret()>& initial);
  // `authd rotate-secrets`: seals `value` as the secret called `name`, inside the caller's
  // transaction (which must hold kKeyMaterialLock).
  void replace(const std::string& name, const SecretBytes& value);

 private:
  std::shared_ptr<odb::pgsql::database> db_;
  const MasterKey& master_;
  RandomSource& random_;
  Clock& clock_;
};

}  // namespace authd::keys::infrastructure
