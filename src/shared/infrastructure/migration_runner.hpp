#pragma once

#include <memory>
#include <string>
#include <vector>

#include <odb/pgsql/database.hxx>

#include "shared/core/embedded_file.hpp"
#include "shared/core/result.hpp"

namespace authd {

struct Migration {
  int version = 0;   // from the NNNN_ prefix of the file name
  std::string name;  // file name
  std::string sql;
  // From a "-- compatible-with: NNNN" line among the file's leading comments: the oldest binary,
  // named by the newest migration it knows, that still works once this one is applied (an
  // expand step). 0 when absent: only binaries that know this migration.
  int compatible_with = 0;
  std::string checksum() const;  // hex SHA-256 of sql
};

// Turns NNNN_name.sql files into migrations sorted by version. Throws std::invalid_argument
// for a badly named file, a repeated version, or a compatible-with that is not an older version.
std::vector<Migration> migrationsFrom(const std::vector<EmbeddedFile>& files);

// The migrations compiled into this binary from migrations/.
const std::vector<Migration>& bundledMigrations();

// Applies forward-only SQL migrations and records each in schema_migrations with its checksum.
// Serialised across processes by a PostgreSQL advisory lock held for the whole transaction,
// so instances starting together neither race nor apply a file twice. All pending files are
// applied in one transaction: either all land or none.
//
// Rolling upgrades: a database may have migrations this binary does not know (a newer release
// applied them). Each is recorded with its compatible-with version; when that is at most this
// binary's newest migration, the entry is Compatible and the binary stays current and ready.
class MigrationRunner {
 public:
  enum class State { Applied, Pending, Modified, Unknown, Compatible };
  struct Entry {
    int version;
    std::string name;
    State state;
  };

  MigrationRunner(std::shared_ptr<odb::pgsql::database> db, std::vector<Migration> migrations)
      : db_(std::move(db)), migrations_(std::move(migrations)) {}

  // Versions applied by this call (empty when already current). Conflict, naming the file,
  // when an applied file was edited or the database has a version this binary lacks that is
  // not compatible with it; nothing is applied then.
  [[nodiscard]] Result<std::vector<int>> apply();

  // Every known or recorded migration with its state; applies nothing.
  std::vector<Entry> status();

  // True when every migration is applied unmodified and every applied one this binary does not
  // know is compatible with it.
  bool isCurrent();
  // The same verdict on a status() already read.
  static bool isCurrent(const std::vector<Entry>& entries);

 private:
  std::shared_ptr<odb::pgsql::database> db_;
  std::vector<Migration> migrations_;
};

const char* toString(MigrationRunner::State state);

}  // namespace authd
