// Persistence shape of a user (ODB compiler input only). The schema itself is owned by
// migrations/; names here must match it. The domain User never sees this type: see
// src/features/users/infrastructure/persistence/user_record_mapper.
#pragma once

#include <cstddef>
#include <set>
#include <string>

#include <odb/core.hxx>
#include <odb/nullable.hxx>
#include <odb/section.hxx>

#include "odb_types.hxx"

namespace authd::records {

#pragma db object table("users") optimistic pointer(std::shared_ptr)
struct UserRecord {
#pragma db id column("id") type("UUID")
  std::string id;
#pragma db column("email") type("TEXT")
  std::string email;
#pragma db column("username") type("TEXT")
  std::string username;
#pragma db column("display_name") type("TEXT") null
  odb::nullable<std::string> display_name;
#pragma db column("password_hash") type("TEXT")
  std::string password_hash;
#pragma db column("email_verified")
  bool email_verified = false;
#pragma db column("mfa_enabled")
  bool mfa_enabled = false;
  // JSON array of refresh-token sessions; holds token hashes only, never a token.
#pragma db column("sessions") type("JSONB")
  std::string sessions = "[]";
#pragma db column("created_at") type("TIMESTAMPTZ")
  long long created_at = 0;
#pragma db column("updated_at") type("TIMESTAMPTZ")
  long long updated_at = 0;
#pragma db column("deleted_at") type("TIMESTAMPTZ") null
  odb::nullable<long long> deleted_at;
#pragma db version column("version")
  unsigned long long version = 0;
  // Sorted JSON array copy of the user's roles, read on every load (one-query loads).
#pragma db column("role_names") type("JSONB")
  std::string role_names = "[]";
  // Rows of user_roles, the source of truth; the foreign key to roles(name) rejects unknown
  // roles. In a lazy section updated only when marked changed, so ordinary updates (every
  // refresh) neither read nor rewrite it.
#pragma db load(lazy) update(change)
  odb::section roles_section;
#pragma db section(roles_section) table("user_roles") id_column("user_id") value_column("role")
  std::set<std::string> roles;
};

// Live accounts per password-hash setting (the encoded hash's "$argon2id$v=..$m=..,t=..,p=.."
// prefix; NULL for anything else), most common first: what the dummy hash must cost.
#pragma db view query(                                                              \
    "SELECT substring(password_hash from "                                          \
    "'^\\$argon2id\\$v=[0-9]+\\$m=[0-9]+,t=[0-9]+,p=[0-9]+'), count(*) FROM users " \
    "WHERE deleted_at IS NULL GROUP BY 1 ORDER BY 2 DESC LIMIT 16")
struct PasswordHashSetting {
  odb::nullable<std::string> setting;
  std::size_t accounts = 0;
};

// Number of rows matching a query, including soft-deleted ones (uniqueness checks).
#pragma db view object(UserRecord)
struct UserCount {
#pragma db column("count(" + UserRecord::id + ")")
  std::size_t count = 0;
};

}  // namespace authd::records
