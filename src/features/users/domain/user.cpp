#include "features/users/domain/user.hpp"

#include <algorithm>

namespace authd::users::domain {

User User::create(Uuid id, Email email, Username username, std::optional<std::string> display_name,
                  std::string password_hash, Timestamp now) {
  State s;
  s.id = id;
  s.email = email.value();
  s.username = username.value();
  s.display_name = std::move(display_name);
  s.password_hash = std::move(password_hash);
  s.roles = {kDefaultRole};
  s.created_at = now;
  s.updated_at = now;
  return User(std::move(s));
}

bool User::pruneExpiredSessions(Timestamp now, const SessionPolicy& policy) {
  const auto before = s_.sessions.size();
  s_.sessions.erase(std::remove_if(s_.sessions.begin(), s_.sessions.end(),
                                   [&](const Session& x) { return x.isExpired(now, policy); }),
                    s_.sessions.end());
  return s_.sessions.size() != before;
}

void User::openSession(Session session, Timestamp now, const SessionPolicy& policy) {
  pruneExpiredSessions(now, policy);
  const std::size_t limit = std::max<std::size_t>(policy.max_sessions, 1);
  while (s_.sessions.size() >= limit) {
    auto lru = std::min_element(s_.sessions.begin(), s_.sessions.end(),
                                [](const Session& a, const Session& b) {
                                  return a.state().last_used_at < b.state().last_used_at;
                                });
    s_.sessions.erase(lru);
  }
  s_.sessions.push_back(std::move(session));
  s_.updated_at = now;
}

Profile User::profile() const {
  return Profile{s_.id,          s_.email, s_.username,   s_.display_name, s_.email_verified,
                 s_.mfa_enabled, s_.roles, s_.created_at, s_.updated_at};
}

RefreshOutcome User::refreshSession(const Uuid& id, const RefreshAttempt& attempt, Timestamp now,
                                    const SessionPolicy& policy) {
  auto it = std::find_if(s_.sessions.begin(), s_.sessions.end(),
                         [&](const Session& x) { return x.id() == id; });
  if (it == s_.sessions.end()) {
    return RefreshOutcome::Invalid;
  }
  const RefreshOutcome outcome = it->refresh(attempt, now, policy);
  if (outcome == RefreshOutcome::Reused) {
    s_.sessions.erase(it);
  }
  if (outcome == RefreshOutcome::Rotated || outcome == RefreshOutcome::GraceReplay ||
      outcome == RefreshOutcome::Reused) {
    pruneExpiredSessions(now, policy);
    s_.updated_at = now;
  }
  return outcome;
}

bool User::grantRole(const std::string& role, Timestamp now) {
  if (!s_.roles.insert(role).second) {
    return false;
  }
  s_.roles_changed = true;
  s_.updated_at = now;
  return true;
}

bool User::revokeRole(const std::string& role, Timestamp now) {
  if (s_.roles.erase(role) == 0) {
    return false;
  }
  s_.roles_changed = true;
  s_.updated_at = now;
  return true;
}

bool User::revokeSession(const Uuid& id, Timestamp now) {
  auto it = std::find_if(s_.sessions.begin(), s_.sessions.end(),
                         [&](const Session& x) { return x.id() == id; });
  if (it == s_.sessions.end()) return false;
  s_.sessions.erase(it);
  s_.updated_at = now;
  return true;
}

std::size_t User::revokeAllSessions(Timestamp now, const std::optional<Uuid>& keep) {
  const auto before = s_.sessions.size();
  s_.sessions.erase(std::remove_if(s_.sessions.begin(), s_.sessions.end(),
                                   [&](const Session& x) { return !keep || x.id() != *keep; }),
                    s_.sessions.end());
  const auto removed = before - s_.sessions.size();
  if (removed > 0) s_.updated_at = now;
  return removed;
}

void User::changePasswordHash(std::string hash, Timestamp now) {
  s_.password_hash = std::move(hash);
  s_.updated_at = now;
}

bool User::markEmailVerified(Timestamp now) {
  if (s_.email_verified) return false;
  s_.email_verified = true;
  s_.updated_at = now;
  return true;
}

bool User::setMfaEnabled(bool enabled, Timestamp now) {
  if (s_.mfa_enabled == enabled) return false;
  s_.mfa_enabled = enabled;
  s_.updated_at = now;
  return true;
}

void User::rename(const Username& username, Timestamp now) {
  s_.username = username.value();
  s_.updated_at = now;
}

void User::changeEmail(const Email& email, Timestamp now) {
  s_.email = email.value();
  s_.email_verified = true;
  s_.updated_at = now;
}

void User::setDisplayName(std::optional<std::string> display_name, Timestamp now) {
  s_.display_name = std::move(display_name);
  s_.updated_at = now;
}

void User::markDeleted(Timestamp now) {
  s_.sessions.clear();
  s_.deleted_at = now;
  s_.updated_at = now;
}

const Session* User::findSession(const Uuid& id) const {
  for (const auto& x : s_.sessions) {
    if (x.id() == id) return &x;
  }
  return nullptr;
}

}  // namespace authd::users::domain
