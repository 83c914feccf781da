#include "features/auth/application/use_cases/credentials.hpp"

#include <algorithm>

#include "shared/core/encoding.hpp"

namespace authd::auth::application {

std::string accountLockoutKey(const Uuid& user_id) { return "account:" + user_id.toString(); }

std::string lockoutKey(const std::optional<users::domain::User>& account,
                       const std::string& identifier) {
  return account ? accountLockoutKey(account->id()) : "identifier:" + identifier;
}

Status countAttempt(LoginThrottle& throttle, const LoginLimits& limits, const std::string& key,
                    Timestamp now) {
  if (limits.max_fails <= 0) return ok();
  const auto count = throttle.countAttempt(key, now, limits.window);
  if (count.attempts <= limits.max_fails) return ok();
  const auto left = std::chrono::ceil<Seconds>(count.window_started_at + limits.window - now);
  Error e{ErrorCode::RateLimited, "Too many failed logins; try again later.", {}};
  e.retry_after = std::max<std::int64_t>(1, left.count());
  return tl::unexpected(std::move(e));
}

Error invalidCredentials() {
  return Error{ErrorCode::InvalidCredentials, "The email, username or password is wrong.", {}};
}

Status stillVerified(const users::domain::User& user, const std::string& verified_hash) {
  const auto& stored = user.passwordHash();
  if (constantTimeEqual(Bytes(stored.begin(), stored.end()),
                        Bytes(verified_hash.begin(), verified_hash.end()))) {
    return ok();
  }
  return tl::unexpected(invalidCredentials());
}

Result<users::domain::User> CallerPassword::check(const Uuid& user_id, const std::string& password,
                                                  const ClientInfo& client) {
  std::optional<users::domain::User> user;
  {
    auto tx = uow_.begin();
    user = users_.findById(user_id);
    if (!user) return fail(ErrorCode::Unauthorized, "The account no longer exists.");
    auto counted = countAttempt(throttle_, limits_, accountLockoutKey(user_id), clock_.now());
    tx->commit();
    if (!counted) return tl::unexpected(counted.error());
  }  // the connection is free before hashing
  if (hasher_.verify(user->passwordHash(), password)) return std::move(*user);
  auto tx = uow_.begin();
  audit_.record(users::application::AuditEventType::LoginFailed, user_id, client);
  tx->commit();
  return fail(ErrorCode::InvalidCredentials, "The password is wrong.");
}

void CallerPassword::clearCount(const Uuid& user_id) {
  if (limits_.max_fails > 0) throttle_.reset(accountLockoutKey(user_id));
}

Status LiftLockout::execute(const std::string& user_id, const ClientInfo& client) {
  const auto id = Uuid::parse(user_id);
  if (!id) return fail(ErrorCode::NotFound, "No such user.");
  auto tx = uow_.begin();
  if (!users_.findById(*id)) return fail(ErrorCode::NotFound, "No such user.");
  throttle_.reset(accountLockoutKey(*id));
  audit_.record(users::application::AuditEventType::LockoutLifted, *id, client);
  tx->commit();
  return ok();
}

}  // namespace authd::auth::application
