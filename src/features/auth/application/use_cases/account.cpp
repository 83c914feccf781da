#include "features/auth/application/use_cases/account.hpp"

#include <stdexcept>

#include "features/users/application/modify_user.hpp"
#include "features/users/application/use_cases/admin_users.hpp"

namespace authd::auth::application {

using users::application::AuditEventType;
using users::application::modifyUser;
using users::application::Write;

namespace {

// Verifies `password` against the stored hash of a live user, outside any transaction
// (Argon2id is slow). nullopt when the user is gone.
std::optional<bool> checkPassword(UnitOfWork& uow, users::application::UserRepository& users,
                                  PasswordHasher& hasher, const Uuid& user_id,
                                  const std::string& password) {
  std::optional<users::domain::User> user;
  {
    auto tx = uow.begin();
    user = users.findById(user_id);
  }
  if (!user) return std::nullopt;
  return hasher.verify(user->passwordHash(), password);
}

Status wrongPassword(UnitOfWork& uow, users::application::AuditTrail& audit, const Uuid& user_id,
                     const ClientInfo& client) {
  auto tx = uow.begin();
  audit.record(AuditEventType::LoginFailed, user_id, client);
  tx->commit();
  return fail(ErrorCode::InvalidCredentials, "The password is wrong.");
}

}  // namespace

Status ChangePassword::execute(const Input& in) {
  const auto matches = checkPassword(uow_, users_, hasher_, in.user_id, in.current_password);
  if (!matches) return fail(ErrorCode::Unauthorized, "The account no longer exists.");
  if (!*matches) return wrongPassword(uow_, audit_, in.user_id, in.client);

  std::string new_hash;
  auto status = modifyUser(uow_, users_, in.user_id, [&](users::domain::User& user) -> Result<Write> {
    auto allowed = policy_.check(in.new_password, user.email(), user.username(), "new_password");
    if (!allowed) return tl::unexpected(allowed.error());
    if (new_hash.empty()) new_hash = hasher_.hash(in.new_password);  // once, even on retries
    const Timestamp now = clock_.now();
    user.changePasswordHash(new_hash, now);
    user.revokeAllSessions(now, in.session_id);
    audit_.record(AuditEventType::PasswordChanged, user.id(), in.client);
    return Write::Yes;
  });
  if (!status && status.error().code == ErrorCode::NotFound) {
    return fail(ErrorCode::Unauthorized, "The account no longer exists.");
  }
  return status;
}

Status DeleteAccount::execute(const Uuid& user_id, const std::string& password,
                              const ClientInfo& client) {
  const auto matches = checkPassword(uow_, users_, hasher_, user_id, password);
  if (!matches) return fail(ErrorCode::Unauthorized, "The account no longer exists.");
  if (!*matches) return wrongPassword(uow_, audit_, user_id, client);
  auto status = modifyUser(uow_, users_, user_id, [&](users::domain::User& user) -> Result<Write> {
    user.markDeleted(clock_.now());
    audit_.record(AuditEventType::AccountDeleted, user.id(), client);
    return Write::Yes;
  });
  if (!status && status.error().code == ErrorCode::NotFound) {
    return fail(ErrorCode::Unauthorized, "The account no longer exists.");
  }
  return status;
}

Result<ListEvents::Output> ListEvents::execute(const Uuid& user_id,
                                               const std::optional<std::string>& limit_text,
                                               const std::optional<std::string>& cursor_text) {
  std::size_t limit = 20;
  std::vector<FieldError> errors;
  if (limit_text) {
    try {
      std::size_t used = 0;
      const long v = std::stol(*limit_text, &used);
      if (used != limit_text->size() || v < 1 || v > 100) throw std::out_of_range("limit");
      limit = static_cast<std::size_t>(v);
    } catch (const std::exception&) {
      errors.push_back({"limit", "invalid_format", "limit must be an integer from 1 to 100."});
    }
  }
  std::optional<users::application::EventCursor> cursor;
  if (cursor_text) {
    // Same opaque form as the admin users cursor: "<micros>.<uuid>", base64url.
    auto decoded = users::application::ListUsers::decodeCursor(*cursor_text);
    if (decoded) cursor = users::application::EventCursor{decoded->first, decoded->second};
    else errors.push_back({"cursor", "invalid_format", "cursor is not valid."});
  }
  if (!errors.empty()) return validationFailed(std::move(errors));
  std::vector<users::application::AuditEvent> events;
  {
    auto tx = uow_.begin();
    events = log_.listForUser(user_id, cursor, limit + 1);
  }
  Output out;
  if (events.size() > limit) {
    events.resize(limit);
    out.next_cursor = users::application::ListUsers::encodeCursor(events.back().at, events.back().id);
  }
  out.events = std::move(events);
  return out;
}

}  // namespace authd::auth::application
