// Rows of schema_migrations, written by the migration runner (ODB compiler input only).
#pragma once

#include <string>

#include <odb/core.hxx>
#include <odb/nullable.hxx>

#include "odb_types.hxx"

namespace authd::records {

#pragma db object table("schema_migrations") pointer(std::shared_ptr)
struct SchemaMigrationRecord {
#pragma db id column("version")
  int version = 0;
#pragma db column("name") type("TEXT")
  std::string name;
#pragma db column("checksum") type("TEXT")
  std::string checksum;  // hex SHA-256 of the file as applied
#pragma db column("applied_at") type("TIMESTAMPTZ")
  long long applied_at = 0;
};

// Which binaries each applied migration is compatible with (the column comes with migration
// 0015: read only once it exists).
#pragma db view query("SELECT version, compatible_with FROM schema_migrations")
struct SchemaMigrationCompatibility {
  int version = 0;
  odb::nullable<int> compatible_with;
};

}  // namespace authd::records
