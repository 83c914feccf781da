// Persistence shapes of the second factor (ODB compiler input only). The schema is owned by
// migrations/0013_mfa.sql; the domain never sees these types: see
// src/features/auth/infrastructure/persistence/odb_mfa_repository.
#pragma once

#include <string>

#include <odb/core.hxx>
#include <odb/nullable.hxx>

#include "odb_types.hxx"

namespace authd::records {

#pragma db object table("user_mfa") pointer(std::shared_ptr)
struct UserMfaRecord {
#pragma db id column("user_id") type("UUID")
  std::string user_id;
#pragma db column("status") type("TEXT")
  std::string status;  // 'pending' or 'enabled'
  // nonce || crypto_secretbox(TOTP secret) under the master key, base64url.
#pragma db column("sealed_secret") type("TEXT")
  std::string sealed_secret;
#pragma db column("last_step") null
  odb::nullable<long long> last_step;
  // JSON array of base64url keyed digests of the unused recovery codes.
#pragma db column("recovery_digests") type("JSONB")
  std::string recovery_digests = "[]";
#pragma db column("created_at") type("TIMESTAMPTZ")
  long long created_at = 0;
#pragma db column("updated_at") type("TIMESTAMPTZ")
  long long updated_at = 0;
};

#pragma db object table("mfa_challenges") pointer(std::shared_ptr)
struct MfaChallengeRecord {
#pragma db id column("id") type("UUID")
  std::string id;
#pragma db column("user_id") type("UUID")
  std::string user_id;
#pragma db column("digest") type("TEXT")
  std::string digest;  // base64url keyed digest of the mfa_token
#pragma db column("password_fingerprint") type("TEXT")
  std::string password_fingerprint;  // base64url keyed digest of the password hash it is for
#pragma db column("created_at") type("TIMESTAMPTZ")
  long long created_at = 0;
#pragma db column("expires_at") type("TIMESTAMPTZ")
  long long expires_at = 0;
#pragma db column("failures")
  int failures = 0;
#pragma db column("used_at") type("TIMESTAMPTZ") null
  odb::nullable<long long> used_at;
};

}  // namespace authd::records
