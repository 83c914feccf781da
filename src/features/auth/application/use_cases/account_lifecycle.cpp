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
// An email-change link goes to the new address (`to`), which the token carries.
void mailLink(LifecycleDeps& d, const users::domain::User& user, domain::AccountTokenKind kind,
              const std::optional<std::string>& to = std::nullopt) {
  const std::string& recipient = to ? *to : user.email();
  if (!d.mail_limits.admits(d.outbox.loadOf(recipient, d.clock.now()))) return;
  Issued t = issue(d, user.id(), kind);
  if (kind == domain::AccountTokenKind::EmailChange) t.record.new_email = recipient;
  d.tokens.add(t.record);
  Mail mail = d.templates.render(kind, recipient, user.username(), t.secret);
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
    // Locked, and the address checked again under the lock: an email change confirmed
    // meanwhile must not send a fresh reset link to the old address.
    auto found = d_.users.findByEmail(request.email);
    auto user = found ? d_.users.findByIdForUpdate(found->id()) : std::nullopt;
    if (user && user->email() == request.email) {
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
        // And every pending email change: it may be the intruder's way back in.
        d_.tokens.invalidateUnused(user.id(), domain::AccountTokenKind::EmailChange, now);
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

Status RequestEmailChange::execute(const Uuid& user_id, const std::string& new_email,
                                   const std::string& password, const ClientInfo& client) {
  auto email = users::domain::Email::parse(new_email, "new_email");
  if (!email) return tl::unexpected(email.error());
  auto checked = password_.check(user_id, password, client);
  if (!checked) return tl::unexpected(checked.error());
  const Status outcome = [&]() -> Status {
    auto tx = d_.uow.begin();
    auto user = d_.users.findByIdForUpdate(user_id);
    if (!user) return fail(ErrorCode::Unauthorized, "The account no longer exists.");
    auto still = stillVerified(*user, checked->passwordHash());
    if (!still) return tl::unexpected(still.error());
    if (email->value() == user->email()) {
      return validationFailed(
          {{"new_email", "not_allowed", "This is already the account's email address."}});
    }
    if (d_.users.emailExists(email->value())) {
      return fail(ErrorCode::EmailTaken, "This email is taken.");
    }
    mailLink(d_, *user, domain::AccountTokenKind::EmailChange, email->value());
    d_.audit.record(AuditEventType::EmailChangeRequested, user_id, client);
    tx->commit();
    return ok();
  }();
  // The right password ends the count whatever the address turned out to be (a taken address
  // is no failed login), in a transaction of its own: the lockout row is never written under
  // the user's lock. With MFA on, only a code ends it.
  if (!checked->mfaEnabled()) {
    auto tx = d_.uow.begin();
    password_.clearCount(user_id);
    tx->commit();
  }
  return outcome;
}

Result<users::domain::User> ConfirmEmailChange::execute(const std::string& secret,
                                                        const ClientInfo& client) {
  auto changed = modifyUser(
      d_.uow, d_.users, {d_.audit, client},
      ownerOf(d_, secret, domain::AccountTokenKind::EmailChange),
      [&](users::domain::User& user) -> Result<Change<>> {
        auto token = redeem(d_, secret, domain::AccountTokenKind::EmailChange);
        if (!token || token->user_id != user.id() || !token->new_email) return tokenInvalid();
        // Taken since the request (by another account, or by this one through another link).
        if (d_.users.emailExists(*token->new_email)) {
          return fail(ErrorCode::EmailTaken, "This email is taken.");
        }
        const Timestamp now = d_.clock.now();
        const std::string old_email = user.email();
        d_.tokens.markUsed(token->id, now);
        d_.tokens.invalidateUnused(user.id(), domain::AccountTokenKind::EmailChange, now);
        // Reset and verification links went to the old address: whoever reads it must neither
        // get the account back nor learn the new address.
        d_.tokens.invalidateUnused(user.id(), domain::AccountTokenKind::PasswordReset, now);
        d_.tokens.invalidateUnused(user.id(), domain::AccountTokenKind::VerifyEmail, now);
        user.changeEmail(users::domain::Email::fromStorage(*token->new_email), now);
        // The old address hears of it (ASVS 2.5.5); a notice passes the mail limits.
        d_.outbox.enqueue(d_.templates.renderNotice(
            Notice::EmailChanged, old_email, user.username(), formatRfc3339(now), user.email()));
        return write(AuditEventType::EmailChanged);
      });
  if (!changed)
    return changed.error().code == ErrorCode::NotFound ? tokenInvalid()
                                                       : tl::unexpected(changed.error());
  return std::move(changed->user);
}

}  // namespace authd::auth::application
