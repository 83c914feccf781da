#pragma once

#include <memory>

#include <odb/pgsql/database.hxx>

#include "features/keys/infrastructure/crypto/master_key.hpp"

namespace authd::keys::infrastructure {

struct MasterKeyRotation {
  std::size_t signing_keys = 0;  // private halves re-sealed
  std::size_t secrets = 0;       // server secrets re-sealed
  std::size_t mails = 0;         // unsent outbox mail re-sealed
  std::size_t mfa_secrets = 0;   // users' TOTP secrets re-sealed
  std::size_t already = 0;       // rows that already opened with the new key (a re-run)
};

// `authd rotate-master-key`: re-seals every private signing key, server secret, unsent mail
// and TOTP secret from `from` to `to` in one transaction, so a failure changes nothing. Throws
// std::runtime_error naming the first row that opens with neither key.
MasterKeyRotation rotateMasterKey(const std::shared_ptr<odb::pgsql::database>& db,
                                  const MasterKey& from, const MasterKey& to, RandomSource& random);

}  // namespace authd::keys::infrastructure
