#include "features/users/infrastructure/persistence/odb_user_repository.hpp"

#include <odb/exceptions.hxx>
#include <odb/pgsql/exceptions.hxx>

#include "features/users/infrastructure/persistence/user_record_mapper.hpp"
#include "shared/infrastructure/odb_unit_of_work.hpp"
#include "user_record-odb.hxx"

namespace authd::users::infrastructure {
namespace {

using records::UserRecord;
using Query = odb::query<UserRecord>;

std::optional<domain::User> first(odb::result<UserRecord> rows) {
  auto it = rows.begin();
  if (it == rows.end()) return std::nullopt;
  return toDomain(*it);
}

}  // namespace

std::optional<domain::User> OdbUserRepository::findById(const Uuid& id) {
  return translateDatabaseFaults([&]() -> std::optional<domain::User> {
    // find() runs ODB's prepared select-by-id (parsed once per connection), unlike a query.
    auto record = db_->find<UserRecord>(id.toString());
    if (!record || !record->deleted_at.null()) return std::nullopt;
    return toDomain(*record);
  });
}

std::optional<domain::User> OdbUserRepository::findByIdForUpdate(const Uuid& id) {
  return translateDatabaseFaults([&] {
    return first(db_->query<UserRecord>(
        (Query::id == id.toString() && Query::deleted_at.is_null()) + "FOR UPDATE"));
  });
}

std::optional<domain::User> OdbUserRepository::findByEmail(const std::string& email) {
  return translateDatabaseFaults([&] {
    return first(db_->query<UserRecord>(Query::email == email && Query::deleted_at.is_null()));
  });
}

std::optional<domain::User> OdbUserRepository::findByUsername(const std::string& username) {
  return translateDatabaseFaults([&] {
    return first(
        db_->query<UserRecord>(Query::username == username && Query::deleted_at.is_null()));
  });
}

namespace {

// LIKE pattern for a literal prefix: escape the wildcards with '!'.
std::string likePrefix(const std::string& prefix) {
  std::string out;
  for (char c : prefix) {
    if (c == '%' || c == '_' || c == '!') out.push_back('!');
    out.push_back(c);
  }
  return out + "%";
}

}  // namespace

std::vector<domain::User> OdbUserRepository::list(const application::UserListQuery& query) {
  return translateDatabaseFaults([&] {
    Query q = Query::deleted_at.is_null();
    if (query.prefix) {
      const std::string pattern = likePrefix(*query.prefix);
      q = q && (Query::email.like(pattern, "!") || Query::username.like(pattern, "!"));
    }
    if (query.after) {
      const long long at = toMicros(query.after->at);
      const std::string id = query.after->id.toString();
      q = q && (Query::created_at < at || (Query::created_at == at && Query::id < id));
    }
    q = q + "ORDER BY" + Query::created_at + "DESC," + Query::id + "DESC LIMIT" +
        Query::_val(static_cast<long long>(query.limit));
    std::vector<domain::User> out;
    for (const auto& r : db_->query<UserRecord>(q)) out.push_back(toDomain(r));
    return out;
  });
}

bool OdbUserRepository::emailExists(const std::string& email) {
  return translateDatabaseFaults([&] {
    return db_->query_value<records::UserCount>(odb::query<records::UserCount>::email == email)
               .count > 0;
  });
}

bool OdbUserRepository::usernameExists(const std::string& username) {
  return translateDatabaseFaults([&] {
    return db_->query_value<records::UserCount>(odb::query<records::UserCount>::username ==
                                                username)
               .count > 0;
  });
}

Status OdbUserRepository::add(domain::User& user) {
  return translateDatabaseFaults([&]() -> Status {
    auto record = toRecord(user);
    try {
      db_->persist(record);
    } catch (const odb::object_already_persistent&) {
      // ODB reports every unique violation on INSERT this way.
      return fail(ErrorCode::Conflict, "email or username taken concurrently");
    }
    user.markStored(record.version);
    return ok();
  });
}

Status OdbUserRepository::update(domain::User& user) {
  return translateDatabaseFaults([&]() -> Status {
    auto record = toRecord(user);
    try {
      db_->update(record);
    } catch (const odb::object_changed&) {
      return fail(ErrorCode::Conflict, "user changed concurrently");
    } catch (const odb::object_not_persistent&) {
      return fail(ErrorCode::Conflict, "user changed concurrently");
    } catch (const odb::pgsql::database_exception& e) {
      if (e.sqlstate() == "23503") return fail(ErrorCode::NotFound, "No such role.");
      if (e.sqlstate() == "23505")
        return fail(ErrorCode::Conflict, "unique value taken concurrently");
      throw;
    }
    user.markStored(record.version);
    return ok();
  });
}

std::vector<std::pair<std::string, std::size_t>> OdbUserRepository::passwordHashSettings() {
  return translateDatabaseFaults([&] {
    DbTransaction tx(*db_);
    std::vector<std::pair<std::string, std::size_t>> out;
    for (const auto& row : db_->query<records::PasswordHashSetting>()) {
      if (row.setting) out.emplace_back(*row.setting, row.accounts);
    }
    tx.commit();
    return out;
  });
}

std::size_t OdbUserRepository::endAllSessions() {
  return translateDatabaseFaults([&] {
    return static_cast<std::size_t>(
        db_->execute("UPDATE users SET sessions = '[]'::JSONB, updated_at = now(), "
                     "version = version + 1 WHERE sessions <> '[]'::JSONB"));
  });
}

}  // namespace authd::users::infrastructure
