#include "features/auth/application/use_cases/account.hpp"

#include "features/users/application/modify_user.hpp"
#include "features/users/application/pagination.hpp"
#include "shared/core/time.hpp"

namespace authd::auth::application {

using users::application::AuditEventType;
using users::application::Change;
using users::application::modifyUser;
using users::application::write;

namespace {

// Inside the write: the password checked is still the stored one, and the caller's session
// (the Bearer token's) still exists: a password change or a revocation in between ends the
// caller's authority.
Status stillAuthorised(const users::domain::User& user, const std::string& verified_hash,
                       const Uuid& session_id) {
  if (user.findSession(session_id) == nullptr) {
    return fail(ErrorCode::Unauthorized, "The session has ended.");
  }
  return stillVerified(user, verified_hash);
}

// The caller's own account vanished meanwhile: its token no longer names anyone.
template <typename T>
Status accountStatus(const Result<T>& changed) {
  if (changed) return ok();
  if (changed.error().code == ErrorCode::NotFound) {
    return fail(ErrorCode::Unauthorized, "The account no longer exists.");
  }
  return tl::unexpected(changed.error());
}

}  // namespace

Status ChangePassword::execute(const Input& in) {
  auto checked = password_.check(in.user_id, in.current_password, in.client);
  if (!checked) return tl::unexpected(checked.error());
  auto allowed =
      policy_.check(in.new_password, checked->email(), checked->username(), "new_password");
  if (!allowed) return tl::unexpected(allowed.error());
  // Hashed before the write opens, so no pooled connection waits through Argon2id.
  const std::string new_hash = hasher_.hash(in.new_password);
  auto changed = modifyUser(
      uow_, users_, {audit_, in.client}, in.user_id,
      [&](users::domain::User& user) -> Result<Change<>> {
        auto authorised = stillAuthorised(user, checked->passwordHash(), in.session_id);
        if (!authorised) return tl::unexpected(authorised.error());
        // With MFA on, the password alone never ends the count: a right password between wrong
        // codes would otherwise give codes unlimited tries (only a right code ends it).
        if (!user.mfaEnabled()) password_.clearCount(user.id());
        // The username or email the policy checked against may have changed meanwhile.
        auto still_allowed =
            policy_.check(in.new_password, user.email(), user.username(), "new_password");
        if (!still_allowed) return tl::unexpected(still_allowed.error());
        const Timestamp now = clock_.now();
        user.changePasswordHash(new_hash, now);
        user.revokeAllSessions(now, in.session_id);
        // A reset link mailed before the change must not undo it.
        account_tokens_.invalidateUnused(user.id(), domain::AccountTokenKind::PasswordReset, now);
        // So does a pending email change: whoever asked for it may be who the owner is
        // locking out.
        account_tokens_.invalidateUnused(user.id(), domain::AccountTokenKind::EmailChange, now);
        // The owner hears of it, in the same transaction (ASVS 2.2.3).
        // Notices pass the mail limits (they count towards them): a flood of reset requests must
        // not hide a password change from the owner.
        outbox_.enqueue(templates_.renderNotice(Notice::PasswordChanged, user.email(),
                                                user.username(), formatRfc3339(now)));
        return write(AuditEventType::PasswordChanged);
      });
  return accountStatus(changed);
}

Status DeleteAccount::execute(const Uuid& user_id, const Uuid& session_id,
                              const std::string& password, const ClientInfo& client) {
  auto checked = password_.check(user_id, password, client);
  if (!checked) return tl::unexpected(checked.error());
  auto changed = modifyUser(
      uow_, users_, {audit_, client}, user_id, [&](users::domain::User& user) -> Result<Change<>> {
        auto authorised = stillAuthorised(user, checked->passwordHash(), session_id);
        if (!authorised) return tl::unexpected(authorised.error());
        if (!user.mfaEnabled()) password_.clearCount(user.id());  // as ChangePassword
        user.markDeleted(clock_.now());
        return write(AuditEventType::AccountDeleted);
      });
  return accountStatus(changed);
}

Result<ListEvents::Output> ListEvents::execute(const Uuid& user_id,
                                               const std::optional<std::string>& limit,
                                               const std::optional<std::string>& cursor) {
  std::vector<FieldError> errors;
  const auto page = users::application::parsePageRequest(limit, cursor, errors);
  if (!errors.empty()) return validationFailed(std::move(errors));
  Output out;
  {
    auto tx = uow_.begin();
    out.events = log_.listForUser(user_id, page.after, page.limit + 1);
  }
  out.next_cursor = users::application::trimToPage(out.events, page.limit,
                                                   [](const users::application::AuditEvent& e) {
                                                     return users::application::PageKey{e.at, e.id};
                                                   });
  return out;
}

}  // namespace authd::auth::application
