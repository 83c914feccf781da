#include "fakes/in_memory_repositories.hpp"

#include <algorithm>

#include "shared/core/encoding.hpp"

namespace authd::testing {
namespace {

using users::domain::User;
using Lock = std::lock_guard<std::recursive_mutex>;

// Every text column of a user row, checked as PostgreSQL would on INSERT or UPDATE.
void refuseUnstorable(const User& user) {
  const auto& s = user.state();
  refuseLikePostgres("users.email", s.email);
  refuseLikePostgres("users.username", s.username);
  if (s.display_name) refuseLikePostgres("users.display_name", *s.display_name);
  refuseLikePostgres("users.password_hash", s.password_hash);
  for (const auto& role : s.roles) refuseLikePostgres("user_roles.role", role);
  for (const auto& session : s.sessions) {
    refuseLikePostgres("users.sessions user_agent", session.state().user_agent);
    refuseLikePostgres("users.sessions ip", session.state().ip);
  }
}

bool startsWith(const std::string& s, const std::string& prefix) {
  return s.compare(0, prefix.size(), prefix) == 0;
}

}  // namespace

std::optional<User> InMemoryUserRepository::live(const std::function<bool(const User&)>& match) {
  Lock lock(db_.mutex);
  for (const auto& [id, user] : db_.tables.users) {
    if (!user.isDeleted() && match(user)) return user;
  }
  return std::nullopt;
}

std::optional<User> InMemoryUserRepository::findById(const Uuid& id) {
  return live([&](const User& u) { return u.id() == id; });
}

std::optional<User> InMemoryUserRepository::findByIdForUpdate(const Uuid& id) {
  return findById(id);  // the transaction already holds the whole store
}

std::optional<User> InMemoryUserRepository::findByEmail(const std::string& email) {
  refuseLikePostgres("email parameter", email);
  return live([&](const User& u) { return u.email() == email; });
}

std::optional<User> InMemoryUserRepository::findByUsername(const std::string& username) {
  refuseLikePostgres("username parameter", username);
  return live([&](const User& u) { return u.username() == username; });
}

bool InMemoryUserRepository::emailExists(const std::string& email) {
  refuseLikePostgres("email parameter", email);
  Lock lock(db_.mutex);
  return std::any_of(db_.tables.users.begin(), db_.tables.users.end(),
                     [&](const auto& row) { return row.second.email() == email; });
}

bool InMemoryUserRepository::usernameExists(const std::string& username) {
  refuseLikePostgres("username parameter", username);
  Lock lock(db_.mutex);
  return std::any_of(db_.tables.users.begin(), db_.tables.users.end(),
                     [&](const auto& row) { return row.second.username() == username; });
}

std::vector<User> InMemoryUserRepository::list(const users::application::UserListQuery& q) {
  if (q.prefix) refuseLikePostgres("q parameter", *q.prefix);
  Lock lock(db_.mutex);
  std::vector<User> out;
  for (const auto& [id, u] : db_.tables.users) {
    if (u.isDeleted()) continue;
    if (q.prefix && !startsWith(u.email(), *q.prefix) && !startsWith(u.username(), *q.prefix)) {
      continue;
    }
    const auto at = u.state().created_at;
    if (q.after && !(at < q.after->at || (at == q.after->at && u.id() < q.after->id))) continue;
    out.push_back(u);
  }
  std::sort(out.begin(), out.end(), [](const User& a, const User& b) {
    const auto ta = a.state().created_at, tb = b.state().created_at;
    return ta != tb ? ta > tb : b.id() < a.id();
  });
  if (out.size() > q.limit)
    out.erase(out.begin() + static_cast<std::ptrdiff_t>(q.limit), out.end());
  return out;
}

Status InMemoryUserRepository::add(User& user) {
  refuseUnstorable(user);
  Lock lock(db_.mutex);
  for (const auto& [id, u] : db_.tables.users) {
    if (id == user.id() || u.email() == user.email() || u.username() == user.username()) {
      return fail(ErrorCode::Conflict, "email or username taken concurrently");
    }
  }
  user.markStored(1);
  db_.tables.users.emplace(user.id(), user);
  newest_ = user.id();
  return ok();
}

Status InMemoryUserRepository::update(User& user) {
  refuseUnstorable(user);
  Lock lock(db_.mutex);
  auto it = db_.tables.users.find(user.id());
  if (it == db_.tables.users.end() || it->second.version() != user.version()) {
    return fail(ErrorCode::Conflict, "user changed concurrently");
  }
  for (const auto& role : user.roles()) {
    if (known_roles_.count(role) == 0) return fail(ErrorCode::NotFound, "No such role.");
  }
  for (const auto& [id, u] : db_.tables.users) {
    if (id != user.id() && (u.email() == user.email() || u.username() == user.username())) {
      return fail(ErrorCode::Conflict, "unique value taken concurrently");
    }
  }
  user.markStored(user.version() + 1);
  it->second = user;
  return ok();
}

void InMemoryUserRepository::put(User user) {
  Lock lock(db_.mutex);
  if (user.version() == 0) user.setVersion(1);
  newest_ = user.id();
  db_.tables.users.insert_or_assign(user.id(), std::move(user));
}

User* InMemoryUserRepository::row(const Uuid& id) {
  Lock lock(db_.mutex);
  auto it = db_.tables.users.find(id);
  return it == db_.tables.users.end() ? nullptr : &it->second;
}

User* InMemoryUserRepository::newest() { return newest_ ? row(*newest_) : nullptr; }

std::optional<users::application::LiveSession> InMemoryUserStatements::findSession(
    const Uuid& user_id, const Uuid& session_id) {
  Lock lock(db_.mutex);
  const auto it = db_.tables.users.find(user_id);
  if (it == db_.tables.users.end() || it->second.isDeleted()) return std::nullopt;
  const auto* session = it->second.findSession(session_id);
  if (session == nullptr) return std::nullopt;
  const auto& st = session->state();
  return users::application::LiveSession{it->second.roles(), st.methods, st.expires_at,
                                         st.last_used_at};
}

std::optional<users::domain::Profile> InMemoryUserStatements::findProfile(const Uuid& user_id) {
  auto user = findUser(user_id);
  if (!user) return std::nullopt;
  return user->profile();
}

std::optional<User> InMemoryUserStatements::findUser(const Uuid& user_id) {
  Lock lock(db_.mutex);
  const auto it = db_.tables.users.find(user_id);
  if (it == db_.tables.users.end() || it->second.isDeleted()) return std::nullopt;
  return it->second;
}

Status InMemoryUserStatements::storeSessions(User& user) {
  refuseUnstorable(user);
  Lock lock(db_.mutex);
  const auto it = db_.tables.users.find(user.id());
  if (it == db_.tables.users.end() || it->second.isDeleted() ||
      it->second.version() != user.version()) {
    return fail(ErrorCode::Conflict, "user changed concurrently");
  }
  // Only the two columns the real statement writes.
  const auto write = [&user](InMemoryTables& tables) {
    auto row = tables.users.find(user.id());
    if (row == tables.users.end()) return;
    auto state = row->second.state();
    state.sessions = user.sessions();
    state.updated_at = user.state().updated_at;
    state.version += 1;
    row->second = User(std::move(state));
  };
  db_.concurrently(write);
  user.setVersion(user.version() + 1);
  return ok();
}

void InMemoryAuditLog::record(const users::application::AuditEvent& event) {
  refuseLikePostgres("audit_events.ip", event.ip);
  refuseLikePostgres("audit_events.user_agent", event.user_agent);
  Lock lock(db_.mutex);
  db_.tables.events.push_back(event);
}

std::vector<users::application::AuditEvent> InMemoryAuditLog::listForUser(
    const Uuid& user, const std::optional<users::application::EventCursor>& cursor,
    std::size_t limit) {
  Lock lock(db_.mutex);
  std::vector<users::application::AuditEvent> out;
  for (const auto& e : db_.tables.events) {
    if (e.user_id != user) continue;
    if (cursor && !(e.at < cursor->at || (e.at == cursor->at && e.id < cursor->id))) continue;
    out.push_back(e);
  }
  std::sort(out.begin(), out.end(),
            [](const auto& a, const auto& b) { return a.at != b.at ? a.at > b.at : b.id < a.id; });
  if (out.size() > limit) out.erase(out.begin() + static_cast<std::ptrdiff_t>(limit), out.end());
  return out;
}

auth::application::LoginThrottle::Count InMemoryLoginThrottle::countAttempt(
    std::string_view identifier, Timestamp now, Seconds window) {
  Lock lock(db_.mutex);
  auto [it, fresh] = db_.tables.throttle.try_emplace(std::string(identifier), Count{0, now});
  if (fresh || it->second.window_started_at <= now - window) it->second = Count{0, now};
  ++it->second.attempts;
  return it->second;
}

void InMemoryLoginThrottle::reset(std::string_view identifier) {
  Lock lock(db_.mutex);
  db_.tables.throttle.erase(std::string(identifier));
}

void InMemoryAccountTokenRepository::add(const auth::domain::AccountToken& token) {
  Lock lock(db_.mutex);
  db_.tables.account_tokens.insert_or_assign(token.digest, token);
}

std::optional<auth::domain::AccountToken> InMemoryAccountTokenRepository::findByDigestForUpdate(
    const Bytes& digest) {
  Lock lock(db_.mutex);
  auto it = db_.tables.account_tokens.find(digest);
  if (it == db_.tables.account_tokens.end()) return std::nullopt;
  return it->second;
}

void InMemoryAccountTokenRepository::markUsed(const Uuid& id, Timestamp at) {
  Lock lock(db_.mutex);
  for (auto& [digest, token] : db_.tables.account_tokens) {
    if (token.id == id) token.used_at = at;
  }
}

void InMemoryAccountTokenRepository::invalidateUnused(const Uuid& user_id,
                                                      auth::domain::AccountTokenKind kind,
                                                      Timestamp at) {
  Lock lock(db_.mutex);
  for (auto& [digest, token] : db_.tables.account_tokens) {
    if (token.user_id == user_id && token.kind == kind && !token.used_at) token.used_at = at;
  }
}

void InMemoryResetRequestQueue::enqueue(const Uuid& id, const std::string& email, Timestamp) {
  refuseLikePostgres("password_reset_requests.email", email);
  Lock lock(db_.mutex);
  db_.tables.reset_requests.insert_or_assign(id, InMemoryTables::ResetRequest{email, false});
}

std::vector<auth::application::ResetRequestQueue::Pending> InMemoryResetRequestQueue::claim(
    std::size_t limit) {
  Lock lock(db_.mutex);
  std::vector<Pending> out;
  for (const auto& [id, request] : db_.tables.reset_requests) {
    if (out.size() == limit) break;
    if (!request.processed) out.push_back({id, request.email});
  }
  return out;
}

void InMemoryResetRequestQueue::markProcessed(const Uuid& id, Timestamp) {
  Lock lock(db_.mutex);
  auto it = db_.tables.reset_requests.find(id);
  if (it != db_.tables.reset_requests.end()) it->second.processed = true;
}

void InMemoryMailOutbox::enqueue(const auth::application::Mail& mail) {
  refuseLikePostgres("mail_outbox.to", mail.to);
  Lock lock(db_.mutex);
  db_.tables.outbox.push_back(mail);
  db_.tables.outbox_queued_at.push_back(clock_.now());
}

auth::domain::RecipientLoad InMemoryMailOutbox::loadOf(const std::string& recipient,
                                                       Timestamp now) {
  Lock lock(db_.mutex);
  auth::domain::RecipientLoad load;
  const auto& t = db_.tables;
  for (std::size_t i = 0; i < t.outbox.size(); ++i) {
    if (t.outbox[i].to != recipient) continue;
    if (t.outbox_queued_at[i] > now - std::chrono::minutes(1)) ++load.last_minute;
    if (t.outbox_queued_at[i] > now - std::chrono::hours(1)) ++load.last_hour;
    if (i >= t.outbox_delivered) ++load.in_flight;
  }
  return load;
}

void InMemoryMailOutbox::deliverAll() {
  Lock lock(db_.mutex);
  db_.tables.outbox_delivered = db_.tables.outbox.size();
}

std::string FakePasswordHasher::hash(std::string_view password) {
  return "fake$" + hexEncode(Bytes(password.begin(), password.end()));
}

bool FakePasswordHasher::verify(const std::string& encoded, std::string_view password) {
  return encoded == hash(password);
}

bool FakePasswordHasher::needsRehash(const std::string& encoded) {
  return encoded.compare(0, 5, "fake$") != 0;
}

std::optional<auth::domain::Mfa> InMemoryMfaRepository::find(const Uuid& user_id) {
  Lock lock(db_.mutex);
  auto it = db_.tables.mfa.find(user_id);
  if (it == db_.tables.mfa.end()) return std::nullopt;
  return it->second;
}

void InMemoryMfaRepository::save(const auth::domain::Mfa& mfa) {
  Lock lock(db_.mutex);
  db_.tables.mfa.insert_or_assign(mfa.state().user_id, mfa);
}

void InMemoryMfaRepository::remove(const Uuid& user_id) {
  Lock lock(db_.mutex);
  db_.tables.mfa.erase(user_id);
}

void InMemoryMfaChallengeStore::add(const auth::domain::MfaChallenge& challenge) {
  Lock lock(db_.mutex);
  if (!db_.tables.challenges.emplace(challenge.digest, challenge).second) {
    throw std::runtime_error("duplicate key value violates uq_mfa_challenges_digest");
  }
}

std::optional<auth::domain::MfaChallenge> InMemoryMfaChallengeStore::findByDigestForUpdate(
    const Bytes& digest) {
  Lock lock(db_.mutex);
  auto it = db_.tables.challenges.find(digest);
  if (it == db_.tables.challenges.end()) return std::nullopt;
  return it->second;
}

void InMemoryMfaChallengeStore::update(const auth::domain::MfaChallenge& challenge) {
  Lock lock(db_.mutex);
  db_.tables.challenges.insert_or_assign(challenge.digest, challenge);
}

std::string MarkingSealer::seal(const Bytes& plain) const {
  return "sealed:" + base64UrlEncode(plain);
}

std::optional<Bytes> MarkingSealer::open(std::string_view sealed) const {
  if (sealed.rfind("sealed:", 0) != 0) return std::nullopt;
  return base64UrlDecode(sealed.substr(7));
}

std::string MarkingSealer::sealSecret(const SecretBytes& plain) const {
  return seal(Bytes(plain.data(), plain.data() + plain.size()));
}

Secret MarkingSealer::openSecret(std::string_view sealed) const {
  auto plain = open(sealed);
  return plain ? secretFrom(*plain) : nullptr;
}

}  // namespace authd::testing
