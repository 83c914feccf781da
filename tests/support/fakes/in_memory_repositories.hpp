// In-memory repositories over an InMemoryDatabase (see in_memory_database.hpp), each
// behaving as its ODB adapter does on PostgreSQL, as far as a caller can tell.
#pragma once

#include <functional>
#include <set>

#include "fakes/in_memory_database.hpp"
#include "features/auth/application/ports/mfa.hpp"
#include "features/auth/application/ports/password_hasher.hpp"
#include "features/keys/application/ports/sealer.hpp"
#include "features/users/application/ports/user_repository.hpp"
#include "features/users/application/ports/user_statements.hpp"
#include "shared/core/clock.hpp"

namespace authd::testing {

class InMemoryUserRepository final : public users::application::UserRepository {
 public:
  explicit InMemoryUserRepository(InMemoryDatabase& db) : db_(db) {}

  std::optional<users::domain::User> findById(const Uuid& id) override;
  std::optional<users::domain::User> findByIdForUpdate(const Uuid& id) override;
  std::optional<users::domain::User> findByEmail(const std::string& email) override;
  std::optional<users::domain::User> findByUsername(const std::string& username) override;
  bool emailExists(const std::string& email) override;
  bool usernameExists(const std::string& username) override;
  std::vector<users::domain::User> list(const users::application::UserListQuery& query) override;
  Status add(users::domain::User& user) override;
  Status update(users::domain::User& user) override;

  // For tests: stores `user` as it is (version 1 when it has none), replacing its row.
  void put(users::domain::User user);
  // For tests: the stored row (deleted or not), changeable in place; null when none.
  users::domain::User* row(const Uuid& id);
  // For tests: the row added or put last; null when none.
  users::domain::User* newest();

 private:
  std::optional<users::domain::User> live(const std::function<bool(const users::domain::User&)>&);
  InMemoryDatabase& db_;
  std::optional<Uuid> newest_;
  const std::set<std::string> known_roles_{"user", "admin"};  // migrations/0002 seeds these
};

// UserStatements over the same store: each call is a statement of its own, committed at once,
// so a write also lands in the snapshots of transactions open meanwhile (their rollback keeps
// it, as PostgreSQL's would).
class InMemoryUserStatements final : public users::application::UserStatements {
 public:
  explicit InMemoryUserStatements(InMemoryDatabase& db) : db_(db) {}
  std::optional<users::application::LiveSession> findSession(const Uuid& user_id,
                                                             const Uuid& session_id) override;
  std::optional<users::domain::Profile> findProfile(const Uuid& user_id) override;
  std::optional<users::domain::User> findUser(const Uuid& user_id) override;
  Status storeSessions(users::domain::User& user) override;

 private:
  InMemoryDatabase& db_;
};

class InMemoryAuditLog final : public users::application::AuditLog {
 public:
  explicit InMemoryAuditLog(InMemoryDatabase& db) : db_(db) {}
  void record(const users::application::AuditEvent& event) override;
  std::vector<users::application::AuditEvent> listForUser(
      const Uuid& user, const std::optional<users::application::EventCursor>& cursor,
      std::size_t limit) override;

 private:
  InMemoryDatabase& db_;
};

class InMemoryLoginThrottle final : public auth::application::LoginThrottle {
 public:
  explicit InMemoryLoginThrottle(InMemoryDatabase& db) : db_(db) {}
  Count countAttempt(std::string_view identifier, Timestamp now, Seconds window) override;
  void reset(std::string_view identifier) override;

 private:
  InMemoryDatabase& db_;
};

class InMemoryAccountTokenRepository final : public auth::application::AccountTokenRepository {
 public:
  explicit InMemoryAccountTokenRepository(InMemoryDatabase& db) : db_(db) {}
  void add(const auth::domain::AccountToken& token) override;
  std::optional<auth::domain::AccountToken> findByDigestForUpdate(const Bytes& digest) override;
  void markUsed(const Uuid& id, Timestamp at) override;
  void invalidateUnused(const Uuid& user_id, auth::domain::AccountTokenKind kind,
                        Timestamp at) override;

 private:
  InMemoryDatabase& db_;
};

class InMemoryResetRequestQueue final : public auth::application::ResetRequestQueue {
 public:
  explicit InMemoryResetRequestQueue(InMemoryDatabase& db) : db_(db) {}
  void enqueue(const Uuid& id, const std::string& email, Timestamp at) override;
  std::vector<Pending> claim(std::size_t limit) override;
  void markProcessed(const Uuid& id, Timestamp at) override;

 private:
  InMemoryDatabase& db_;
};

class InMemoryMailOutbox final : public auth::application::MailOutbox {
 public:
  InMemoryMailOutbox(InMemoryDatabase& db, Clock& clock) : db_(db), clock_(clock) {}
  void enqueue(const auth::application::Mail& mail) override;
  auth::domain::RecipientLoad loadOf(const std::string& recipient, Timestamp now) override;
  // What a worker would do: every mail queued so far counts as sent.
  void deliverAll();

 private:
  InMemoryDatabase& db_;
  Clock& clock_;
};

class InMemoryMfaRepository final : public auth::application::MfaRepository {
 public:
  explicit InMemoryMfaRepository(InMemoryDatabase& db) : db_(db) {}
  std::optional<auth::domain::Mfa> find(const Uuid& user_id) override;
  void save(const auth::domain::Mfa& mfa) override;
  void remove(const Uuid& user_id) override;

 private:
  InMemoryDatabase& db_;
};

class InMemoryMfaChallengeStore final : public auth::application::MfaChallengeStore {
 public:
  explicit InMemoryMfaChallengeStore(InMemoryDatabase& db) : db_(db) {}
  void add(const auth::domain::MfaChallenge& challenge) override;
  std::optional<auth::domain::MfaChallenge> findByDigestForUpdate(const Bytes& digest) override;
  void update(const auth::domain::MfaChallenge& challenge) override;

 private:
  InMemoryDatabase& db_;
};

// A sealer that only marks what it seals ("sealed:" + base64url): it keeps nothing secret, and
// refuses text it did not make, as a real key refuses another key's seal.
class MarkingSealer final : public keys::application::Sealer {
 public:
  std::string seal(const Bytes& plain) const override;
  std::optional<Bytes> open(std::string_view sealed) const override;
  std::string sealSecret(const SecretBytes& plain) const override;
  Secret openSecret(std::string_view sealed) const override;
};

// A password hasher without the cost, so route tests and fuzzing run in microseconds. Like
// Argon2id it takes any bytes, and its encoded form is clean text (hex).
class FakePasswordHasher final : public auth::application::PasswordHasher {
 public:
  std::string hash(std::string_view password) override;
  bool verify(const std::string& encoded, std::string_view password) override;
  bool needsRehash(const std::string& encoded) override;
  std::string dummyHash(std::string_view) override { return dummy_; }

 private:
  const std::string dummy_ = "fake$\x01dummy";
};

}  // namespace authd::testing
