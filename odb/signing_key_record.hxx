// Persistence shape of an Ed25519 signing key (ODB compiler input only).
#pragma once

#include <string>

#include <odb/core.hxx>
#include <odb/nullable.hxx>

#include "odb_types.hxx"

namespace authd::records {

#pragma db object table("signing_keys") pointer(std::shared_ptr)
struct SigningKeyRecord {
#pragma db id column("kid") type("TEXT")
  std::string kid;
  // Raw 32-byte public key, base64url.
#pragma db column("public_key") type("TEXT")
  std::string public_key;
  // nonce || crypto_secretbox(secret key) under the master key, base64url.
#pragma db column("sealed_private_key") type("TEXT")
  std::string sealed_private_key;
#pragma db column("status") type("TEXT")
  std::string status;  // 'pending', 'active', 'retired' or 'revoked'
#pragma db column("created_at") type("TIMESTAMPTZ")
  long long created_at = 0;
#pragma db column("retired_at") type("TIMESTAMPTZ") null
  odb::nullable<long long> retired_at;
#pragma db column("activates_at") type("TIMESTAMPTZ") null
  odb::nullable<long long> activates_at;  // a pending key signs from then on
#pragma db column("revoked_at") type("TIMESTAMPTZ") null
  odb::nullable<long long> revoked_at;
};

}  // namespace authd::records
