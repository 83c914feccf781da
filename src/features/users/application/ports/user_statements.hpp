#pragma once

#include <optional>
#include <set>
#include <string>

#include "features/users/domain/session.hpp"
#include "features/users/domain/user.hpp"
#include "shared/core/result.hpp"
#include "shared/core/uuid.hpp"

namespace authd::users::application {

// What a bearer check needs of one session, and of its user, now.
struct LiveSession {
  std::set<std::string> roles;  // the user's roles now, not the token's
  domain::AuthMethods methods = domain::AuthMethods::Password;
  Timestamp expires_at;
  Timestamp last_used_at;
};

// Port: reads, and one narrow write, of users that each run as a single statement outside any
// UnitOfWork transaction. One statement is atomic and sees one snapshot by itself, so the
// hottest paths (the bearer check of every authenticated request, the common case of a refresh)
// skip BEGIN and COMMIT. Whatever must be atomic with another write (an audit event, a second
// row) goes through UserRepository inside a transaction instead. Soft-deleted users are never
// found. Infrastructure faults throw (UnavailableError when the database is away). Thread-safe.
class UserStatements {
 public:
  virtual ~UserStatements() = default;

  // Session `session_id` of live user `user_id`, expired or not (the caller applies the rule).
  virtual std::optional<LiveSession> findSession(const Uuid& user_id, const Uuid& session_id) = 0;
  virtual std::optional<domain::Profile> findProfile(const Uuid& user_id) = 0;
  virtual std::optional<domain::User> findUser(const Uuid& user_id) = 0;
  // Writes the user's sessions and updated_at, nothing else, if the stored version still equals
  // user.version(), then bumps it (and user's). Committed when it returns. Conflict when the
  // version moved or the user was deleted meanwhile (reload and decide again).
  virtual Status storeSessions(domain::User& user) = 0;
};

}  // namespace authd::users::application
