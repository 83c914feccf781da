// Persistence shape of a sealed server secret (ODB compiler input only).
#pragma once

#include <string>

#include <odb/core.hxx>

#include "odb_types.hxx"

namespace authd::records {

#pragma db object table("server_secrets") pointer(std::shared_ptr)
struct ServerSecretRecord {
#pragma db id column("name") type("TEXT")
  std::string name;
  // nonce || crypto_secretbox(value) under the master key, base64url.
#pragma db column("sealed_value") type("TEXT")
  std::string sealed_value;
#pragma db column("created_at") type("TIMESTAMPTZ")
  long long created_at = 0;
};

}  // namespace authd::records
