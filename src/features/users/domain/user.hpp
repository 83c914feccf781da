// The User aggregate: identity, credentials, roles and the refresh-token sessions it owns.
// It enforces the session rules (limit, pruning, revocation); persistence and time are the
// caller's concern.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "features/users/domain/identity.hpp"
#include "features/users/domain/session.hpp"
#include "shared/core/time.hpp"
#include "shared/core/uuid.hpp"

namespace authd::users::domain {

inline constexpr const char* kDefaultRole = "user";

// What a user shows of itself (the contract's User JSON): no credential, no session. Read on its
// own where nothing else of the user is needed (GET /v1/users/me).
struct Profile {
  Uuid id;
  std::string email;
  std::string username;
  std::optional<std::string> display_name;
  bool email_verified = false;
  bool mfa_enabled = false;
  std::set<std::string> roles;
  Timestamp created_at;
  Timestamp updated_at;
};

class User {
 public:
  struct State {
    Uuid id;
    std::string email;     // normalised (Email)
    std::string username;  // normalised (Username)
    std::optional<std::string> display_name;
    std::string password_hash;  // Argon2id encoded string; never leaves the server
    bool email_verified = false;
    bool mfa_enabled = false;     // a second factor is required at login (auth's user_mfa holds it)
    std::set<std::string> roles;  // sorted by construction
    std::vector<Session> sessions;
    Timestamp created_at;
    Timestamp updated_at;
    std::optional<Timestamp> deleted_at;
    unsigned long long version = 0;  // optimistic concurrency; 0 until first stored
    bool roles_changed = false;      // set by grant/revoke until the change is stored
  };

  // Rebuilds a stored user without re-validating it.
  explicit User(State state) : s_(std::move(state)) {}

  // A new account: role `user`, email not verified, no sessions.
  static User create(Uuid id, Email email, Username username,
                     std::optional<std::string> display_name, std::string password_hash,
                     Timestamp now);

  // Drops expired sessions, then adds `session`, evicting the least recently used ones
  // beyond policy.max_sessions.
  void openSession(Session session, Timestamp now, const SessionPolicy& policy);

  // Applies a refresh to session `id`. Unknown session: Invalid. Reused: the session is
  // removed (revoked). Expired sessions are pruned whenever something changes.
  RefreshOutcome refreshSession(const Uuid& id, const RefreshAttempt& attempt, Timestamp now,
                                const SessionPolicy& policy);

  // Removes sessions past their expiry; true when any was removed.
  bool pruneExpiredSessions(Timestamp now, const SessionPolicy& policy);

  // Adds a role; false when the user already had it.
  bool grantRole(const std::string& role, Timestamp now);
  // Removes a role; false when the user did not have it.
  bool revokeRole(const std::string& role, Timestamp now);

  // Removes one session; false when there was none with this id.
  bool revokeSession(const Uuid& id, Timestamp now);
  // Removes every session except `keep` (when given); returns how many were removed.
  std::size_t revokeAllSessions(Timestamp now, const std::optional<Uuid>& keep = std::nullopt);

  void changePasswordHash(std::string hash, Timestamp now);
  // The owner proved control of the email address; false when it was already verified.
  bool markEmailVerified(Timestamp now);
  // MFA turned on or off (with the auth feature's MFA record, in the same transaction); false
  // when it already was.
  bool setMfaEnabled(bool enabled, Timestamp now);
  bool mfaEnabled() const { return s_.mfa_enabled; }
  void rename(const Username& username, Timestamp now);
  // A confirmed email change: the new address, verified (its owner opened the link).
  void changeEmail(const Email& email, Timestamp now);
  void setDisplayName(std::optional<std::string> display_name, Timestamp now);
  // Soft delete: marks the account deleted and revokes every session. Email and username stay.
  void markDeleted(Timestamp now);

  const Session* findSession(const Uuid& id) const;
  bool isDeleted() const { return s_.deleted_at.has_value(); }

  const State& state() const { return s_; }
  Profile profile() const;
  const Uuid& id() const { return s_.id; }
  const std::string& email() const { return s_.email; }
  const std::string& username() const { return s_.username; }
  const std::string& passwordHash() const { return s_.password_hash; }
  const std::set<std::string>& roles() const { return s_.roles; }
  const std::vector<Session>& sessions() const { return s_.sessions; }
  unsigned long long version() const { return s_.version; }
  // Called by the repository after a successful write.
  void markStored(unsigned long long version) {
    s_.version = version;
    s_.roles_changed = false;
  }
  void setVersion(unsigned long long v) { s_.version = v; }

 private:
  State s_;
};

}  // namespace authd::users::domain
