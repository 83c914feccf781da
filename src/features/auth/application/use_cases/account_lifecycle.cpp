#include "features/auth/application/use_cases/account_lifecycle.hpp"

#include <algorithm>

#include "features/auth/application/use_cases/credentials.hpp"
#include "features/users/application/modify_user.hpp"
#include "shared/core/encoding.hpp"
#include "shared/core/time.hpp"

namespace authd::auth::application {
namespace {

using users::application::AuditEventType;
using users::application::Change;
using users::application::keep;
using users::application::modifyUser;
using users::application::write;

tl::unexpected<Error> tokenInvalid() {
  return fail(ErrorCode::TokenInvalid, "The link is invalid, expired or already used.");
}

// A fresh token: the secret for the mail and the record (digest only) for the database.
struct Issued {
  std::string secret;
  domain::AccountToken record;
};

Issued issue(LifecycleDeps& d, const Uuid& user_id, domain::AccountTokenKind kind) {
  const Timestamp now = d.clock.now();
  const Bytes raw = d.random.bytes(domain::kAccountTokenSecretSize);
  Issued out;
  out.secret = base64UrlEncode(raw);
  out.record.id = Uuid::v7(now, d.random);
  out.record.user_id = user_id;
  out.record.kind = kind;
  out.record.digest = d.digester.digest(raw);
  out.record.created_at = now;
  out.record.expires_at = now + domain::lifetimeOf(kind);
  return out;
}

// Mails the user a new link of `kind` when the recipient's mail limits admit it, writing the
// token and its mail in the caller's transaction; otherwise sends nothing (the request still
// succeeds, so the answer tells nothing). Outstanding links stay valid: a request that ended
// them would let a flood of requests keep a victim's link dead.
void mailLink(LifecycleDeps& d, const users::domain::User& user, domain::AccountTokenKind kind) {
  if (!d.mail_limits.admits(d.outbox.loadOf(user.email(), d.clock.now()))) return;
  const Issued t = issue(d, user.id(), kind);
  d.tokens.add(t.record);
  Mail mail = d.templates.render(kind, user.email(), user.username(), t.secret);
  mail.expires_at = t.record.expires_at;
  d.outbox.enqueue(mail);
}

// The usable token of `kind` behind `secret`, locked in the current transaction.
std::optional<domain::AccountToken> redeem(LifecycleDeps& d, const std::string& secret,
                                           domain::AccountTokenKind kind) {
  const auto raw = base64UrlDecode(secret);
  if (!raw || raw->size() != domain::kAccountTokenSecretSize) return std::nullopt;
  auto token = d.tokens.findByDigestForUpdate(d.digester.digest(*raw));
  if (!token || token->kind != kind || !token->usableAt(d.clock.now())) return std::nullopt;
  return token;
}

// How the first attempt of a token redemption finds the user: through the token, the user row
// locked at once (resets and verifications are rare; the lock keeps them single-use).
std::function<std::optional<users::domain::User>()> ownerOf(LifecycleDeps& d,
                                                            const std::string& secret,
                                                            domain::AccountTokenKind kind) {
  return [&d, &secret, kind]() -> std::optional<users::domain::User> {
    auto token = redeem(d, secret, kind);
    if (!token) return std::nullopt;
    return d.users.findByIdForUpdate(token->user_id);
  };
}

}  // namespace

Status RequestEmailVerification::execute(const Uuid& user_id) {
  auto tx = d_.uow.begin();
  auto user = d_.users.findById(user_id);
  if (!user) return fail(ErrorCode::Unauthorized, "The account no longer exists.");
  mailLink(d_, *user, domain::AccountTokenKind::VerifyEmail);
  tx->commit();
  return ok();
}

Result<users::domain::User> VerifyEmail::execute(const std::string& secret,
                                                 const ClientInfo& client) {
  auto changed = modifyUser(d_.uow, d_.users, {d_.audit, client},
                            ownerOf(d_, secret, domain::AccountTokenKind::VerifyEmail),
                            [&](users::domain::User& user) -> Result<Change<>> {
                              // Redeemed (and locked) in every attempt's own transaction: single
                              // use holds.
                              auto token =
                                  redeem(d_, secret, domain::AccountTokenKind::VerifyEmail);
                              if (!token || token->user_id != user.id()) return tokenInvalid();
                              const Timestamp now = d_.clock.now();
                              d_.tokens.markUsed(token->id, now);
                              if (!user.markEmailVerified(now)) return keep();
                              return write(AuditEventType::EmailVerified);
                            });
  if (!changed)
    return changed.error().code == ErrorCode::NotFound ? tokenInvalid()
                                                       : tl::unexpected(changed.error());
  return std::move(changed->user);
}

Status RequestPasswordReset::execute(const std::string& email) {
  // Normalised and bounded, but never rejected: a malformed email is queued like any other
  // and simply matches no account later.
  // Cut on a character boundary: half a character is invalid UTF-8 that PostgreSQL refuses.
  const std::string normalised = repairText(users::domain::normaliseIdentifier(email), 254);
  auto tx = d_.uow.begin();
  queue_.enqueue(Uuid::v7(d_.clock.now(), d_.random), normalised, d_.clock.now());
  tx->commit();
  return ok();
}

std::size_t ProcessResetRequests::execute(std::size_t limit) {
  auto tx = d_.uow.begin();
  auto pending = queue_.claim(limit);
  // Per-recipient locks in one global order (by address), so two instances' batches cannot
  // deadlock on each other.
  std::sort(pending.begin(), pending.end(),
            [](const auto& a, const auto& b) { return a.email < b.email; });
  for (const auto& request : pending) {
    if (auto user = d_.users.findByEmail(request.email)) {
      mailLink(d_, *user, domain::AccountTokenKind::PasswordReset);
    }
    queue_.markProcessed(request.id, d_.clock.now());
  }
  tx->commit();
  return pending.size();
}

Status ConfirmPasswordReset::execute(const std::string& secret, const std::string& new_password,
                                     const ClientInfo& client) {
  std::string new_hash;
  auto changed = modifyUser(
      d_.uow, d_.users, {d_.audit, client},
      ownerOf(d_, secret, domain::AccountTokenKind::PasswordReset),
      [&](users::domain::User& user) -> Result<Change<>> {
        auto token = redeem(d_, secret, domain::AccountTokenKind::PasswordReset);
        if (!token || token->user_id != user.id()) return tokenInvalid();
        auto allowed = policy_.check(new_password, user.email(), user.username(), "new_password");
        if (!allowed) return tl::unexpected(allowed.error());
        // Argon2id inside the transaction holds the token row; resets are rare and the lock is
        // what makes the token single-use under concurrency.
        if (new_hash.empty()) new_hash = hasher_.hash(new_password);
        const Timestamp now = d_.clock.now();
        user.changePasswordHash(new_hash, now);
        user.revokeAllSessions(now);
        d_.tokens.markUsed(token->id, now);
        // The owner is back in: a lockout an attacker keeps up ends with the reset.
        throttle_.reset(accountLockoutKey(user.id()));
        // Every other reset link of the account ends with this one (issue 12).
        d_.tokens.invalidateUnused(user.id(), domain::AccountTokenKind::PasswordReset, now);
        // The owner hears of it, in the same transaction (ASVS 2.5.5).
        // Notices pass the mail limits (they count towards them): a flood of reset requests must
        // not hide a password change from the owner.
        d_.outbox.enqueue(d_.templates.renderNotice(Notice::PasswordReset, user.email(),
                                                    user.username(), formatRfc3339(now)));
        return write(AuditEventType::PasswordReset);
      });
  if (!changed)
    return changed.error().code == ErrorCode::NotFound ? tokenInvalid()
                                                       : tl::unexpected(changed.error());
  return ok();
}

}  // namespace authd::auth::application
