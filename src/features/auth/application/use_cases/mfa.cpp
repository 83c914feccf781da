#include "features/auth/application/use_cases/mfa.hpp"

#include <stdexcept>
#include <utility>

#include "features/auth/domain/totp.hpp"
#include "shared/core/encoding.hpp"

namespace authd::auth::application {
namespace {

using users::application::AuditEventType;

Bytes bytesOf(std::string_view text) { return Bytes(text.begin(), text.end()); }

bool equalCodes(std::string_view a, std::string_view b) {
  return constantTimeEqual(bytesOf(a), bytesOf(b));
}

Error codeInvalid() {
  return Error{ErrorCode::MfaCodeInvalid, "The code is wrong or was already used.", {}};
}

Error tokenInvalid() {
  return Error{ErrorCode::MfaTokenInvalid, "The MFA token is unknown, used or expired.", {}};
}

Error notEnabled() { return Error{ErrorCode::MfaNotEnabled, "MFA is not on.", {}}; }

Error accountGone() { return Error{ErrorCode::Unauthorized, "The account no longer exists.", {}}; }

// Ties a challenge to the password hash it was issued against: a password change or reset
// stores another hash, and the challenge stops matching.
Bytes passwordFingerprint(const MfaDeps& d, const users::domain::User& user) {
  return d.token_hasher.digest(bytesOf(user.passwordHash()));
}

enum class CodeKind { Totp, Recovery };

// Checks `code` against `mfa` and, when right, spends it on the record: a TOTP code's step
// (and every earlier one) is refused from now on; a recovery code is gone. Recovery codes are
// taken only where `allow_recovery`.
std::optional<CodeKind> spendCode(const MfaDeps& d, domain::Mfa& mfa, const std::string& code,
                                  Timestamp now, bool allow_recovery) {
  if (domain::isTotpCodeShape(code)) {
    const Secret secret = d.sealer.openSecret(mfa.state().sealed_secret);
    if (!secret) throw std::runtime_error("an MFA secret does not open with the master key");
    const auto step = domain::acceptedTotpStep(
        code, now, mfa.state().last_step,
        [&](std::int64_t s) { return d.codes.codeAt(*secret, s, domain::kTotpDigits); },
        equalCodes);
    if (!step) return std::nullopt;
    mfa.acceptStep(*step, now);
    return CodeKind::Totp;
  }
  if (!allow_recovery) return std::nullopt;
  const auto canonical = domain::canonicalRecoveryCode(code);
  if (!canonical || !mfa.useRecoveryCode(d.recovery.digest(*canonical), now)) return std::nullopt;
  return CodeKind::Recovery;
}

struct RecoveryCodes {
  std::vector<std::string> shown;  // for the user, once
  std::vector<Bytes> digests;      // for the database
};

RecoveryCodes freshRecoveryCodes(const MfaDeps& d) {
  RecoveryCodes out;
  for (int i = 0; i < domain::kRecoveryCodeCount; ++i) {
    out.shown.push_back(domain::newRecoveryCode(d.random));
    out.digests.push_back(d.recovery.digest(*domain::canonicalRecoveryCode(out.shown.back())));
  }
  return out;
}

// The lockout row is never written while the user's row is locked: every other path writes it
// before the user (LoginUser, CallerPassword, modifyUser), and the opposite order could
// deadlock, and roll back a wrong code's count with it. So a code attempt is counted in a
// transaction of its own, committed before the check, and a right code ends the count in
// another one after its change is committed.

// Counts one attempt on the account (RateLimited once the window's attempts are used up).
Status countCodeAttempt(MfaDeps& d, const Uuid& user_id) {
  auto tx = d.uow.begin();
  auto counted = countAttempt(d.throttle, d.limits, accountLockoutKey(user_id), d.clock.now());
  tx->commit();
  return counted;
}

// A right code (or, outside MFA, the right password) ends the account's count.
void endCount(MfaDeps& d, const Uuid& user_id) {
  if (d.limits.max_fails <= 0) return;
  auto tx = d.uow.begin();
  d.throttle.reset(accountLockoutKey(user_id));
  tx->commit();
}

// The user's MFA record as it is now, read without a lock (the state checks before counting).
std::optional<domain::Mfa> currentMfa(MfaDeps& d, const Uuid& user_id) {
  auto tx = d.uow.begin();
  return d.mfa.find(user_id);
}

// Checks a code inside the caller's transaction, which holds the user's row lock. A wrong code
// is recorded and committed (mfa_failed) before the error; a right one is spent on `mfa` (the
// caller saves it) and a used recovery code is recorded.
Result<CodeKind> checkCode(MfaDeps& d, Transaction& tx, const Uuid& user_id, domain::Mfa& mfa,
                           const std::string& code, const ClientInfo& client, bool allow_recovery) {
  const auto kind = spendCode(d, mfa, code, d.clock.now(), allow_recovery);
  if (!kind) {
    d.audit.record(AuditEventType::MfaFailed, user_id, client);
    tx.commit();
    return tl::unexpected(codeInvalid());
  }
  if (*kind == CodeKind::Recovery)
    d.audit.record(AuditEventType::RecoveryCodeUsed, user_id, client);
  return *kind;
}

void mailNotice(MfaDeps& d, Notice notice, const users::domain::User& user, Timestamp now) {
  // Notices pass the mail limits (they count towards them), as the password notices do.
  d.outbox.enqueue(
      d.templates.renderNotice(notice, user.email(), user.username(), formatRfc3339(now)));
}

}  // namespace

std::string MfaChallengeIssuer::issue(const users::domain::User& user, Timestamp now) {
  const Bytes secret = d_.random.bytes(domain::kMfaTokenSecretSize);
  if (secret.size() != domain::kMfaTokenSecretSize) {
    throw std::logic_error("RandomSource returned the wrong number of bytes");
  }
  d_.challenges.add(domain::MfaChallenge::issue(Uuid::v7(now, d_.random), user.id(),
                                                d_.token_hasher.digest(secret),
                                                passwordFingerprint(d_, user), now));
  return base64UrlEncode(secret);
}

Result<StartTotpEnrolment::Output> StartTotpEnrolment::execute(const Uuid& user_id,
                                                               const std::string& password,
                                                               const ClientInfo& client) {
  auto checked = password_.check(user_id, password, client);
  if (!checked) return tl::unexpected(checked.error());
  // Drawn and sealed outside the transaction; the plain secret goes to the caller only.
  const Bytes raw = d_.random.bytes(domain::kTotpSecretSize);
  const Secret secret = secretFrom(raw);
  const std::string sealed = d_.sealer.sealSecret(*secret);
  auto tx = d_.uow.begin();
  auto user = d_.users.findByIdForUpdate(user_id);
  if (!user) return tl::unexpected(accountGone());
  auto still = stillVerified(*user, checked->passwordHash());
  if (!still) return tl::unexpected(still.error());
  const auto existing = d_.mfa.find(user_id);
  if (existing && existing->enabled()) {
    return fail(ErrorCode::MfaAlreadyEnabled, "MFA is already on; turn it off first.");
  }
  d_.mfa.save(domain::Mfa::begin(user_id, sealed, d_.clock.now()));  // replaces a pending one
  tx->commit();
  endCount(d_, user_id);  // the right password, on an account without MFA
  const std::string text = domain::base32Encode(raw);
  return Output{text, domain::otpauthUri(d_.totp_issuer, user->email(), text)};
}

Result<std::vector<std::string>> ConfirmTotpEnrolment::execute(const Uuid& user_id,
                                                               const Uuid& session_id,
                                                               const std::string& code,
                                                               const ClientInfo& client) {
  const auto before = currentMfa(d_, user_id);  // a state error is answered uncounted
  if (before && before->enabled()) return fail(ErrorCode::MfaAlreadyEnabled, "MFA is already on.");
  if (!before) return fail(ErrorCode::MfaEnrolmentMissing, "Start the enrolment first.");
  auto counted = countCodeAttempt(d_, user_id);
  if (!counted) return tl::unexpected(counted.error());
  auto tx = d_.uow.begin();
  auto user = d_.users.findByIdForUpdate(user_id);
  if (!user || user->findSession(session_id) == nullptr) return tl::unexpected(accountGone());
  auto mfa = d_.mfa.find(user_id);
  if (mfa && mfa->enabled()) return fail(ErrorCode::MfaAlreadyEnabled, "MFA is already on.");
  if (!mfa) return fail(ErrorCode::MfaEnrolmentMissing, "Start the enrolment first.");
  auto used = checkCode(d_, *tx, user_id, *mfa, code, client, /*allow_recovery=*/false);
  if (!used) return tl::unexpected(used.error());
  const Timestamp now = d_.clock.now();
  auto codes = freshRecoveryCodes(d_);
  mfa->enable(std::move(codes.digests), now);
  d_.mfa.save(*mfa);
  user->setMfaEnabled(true, now);
  // Whoever else holds a session got it with the password alone.
  user->revokeAllSessions(now, session_id);
  d_.audit.record(AuditEventType::MfaEnabled, user_id, client);
  auto written = d_.users.update(*user);
  if (!written) return tl::unexpected(written.error());
  mailNotice(d_, Notice::MfaEnabled, *user, now);
  tx->commit();
  endCount(d_, user_id);
  return std::move(codes.shown);
}

Status DisableTotp::execute(const Uuid& user_id, const std::string& password,
                            const std::string& code, const ClientInfo& client) {
  auto checked = password_.check(user_id, password, client);
  if (!checked) return tl::unexpected(checked.error());
  const auto before = currentMfa(d_, user_id);
  if (!before || !before->enabled()) return tl::unexpected(notEnabled());
  auto counted = countCodeAttempt(d_, user_id);
  if (!counted) return tl::unexpected(counted.error());
  auto tx = d_.uow.begin();
  auto user = d_.users.findByIdForUpdate(user_id);
  if (!user) return tl::unexpected(accountGone());
  auto still = stillVerified(*user, checked->passwordHash());
  if (!still) return tl::unexpected(still.error());
  auto mfa = d_.mfa.find(user_id);
  if (!mfa || !mfa->enabled()) return tl::unexpected(notEnabled());
  auto used = checkCode(d_, *tx, user_id, *mfa, code, client, /*allow_recovery=*/true);
  if (!used) return tl::unexpected(used.error());
  const Timestamp now = d_.clock.now();
  d_.mfa.remove(user_id);
  user->setMfaEnabled(false, now);
  d_.audit.record(AuditEventType::MfaDisabled, user_id, client);
  auto written = d_.users.update(*user);
  if (!written) return tl::unexpected(written.error());
  mailNotice(d_, Notice::MfaDisabled, *user, now);
  tx->commit();
  endCount(d_, user_id);
  return ok();
}

Result<std::vector<std::string>> RegenerateRecoveryCodes::execute(const Uuid& user_id,
                                                                  const std::string& code,
                                                                  const ClientInfo& client) {
  const auto before = currentMfa(d_, user_id);  // a state error is answered uncounted
  if (!before || !before->enabled()) return tl::unexpected(notEnabled());
  auto counted = countCodeAttempt(d_, user_id);
  if (!counted) return tl::unexpected(counted.error());
  auto tx = d_.uow.begin();
  auto user = d_.users.findByIdForUpdate(user_id);
  if (!user) return tl::unexpected(accountGone());
  auto mfa = d_.mfa.find(user_id);
  if (!mfa || !mfa->enabled()) return tl::unexpected(notEnabled());
  auto used = checkCode(d_, *tx, user_id, *mfa, code, client, /*allow_recovery=*/true);
  if (!used) return tl::unexpected(used.error());
  auto codes = freshRecoveryCodes(d_);
  mfa->replaceRecoveryCodes(std::move(codes.digests), d_.clock.now());
  d_.mfa.save(*mfa);
  d_.audit.record(AuditEventType::RecoveryCodesRegenerated, user_id, client);
  tx->commit();
  endCount(d_, user_id);
  return std::move(codes.shown);
}

Result<TokenGrant> CompleteMfaLogin::execute(const std::string& mfa_token, const std::string& code,
                                             const ClientInfo& client) {
  const auto secret = base64UrlDecode(mfa_token);
  if (!secret || secret->size() != domain::kMfaTokenSecretSize) {
    return tl::unexpected(tokenInvalid());
  }
  const Bytes digest = d_.token_hasher.digest(*secret);
  {
    // Whose account the attempt counts against, counted before any user row is locked.
    auto tx = d_.uow.begin();
    const auto challenge = d_.challenges.findByDigestForUpdate(digest);
    if (!challenge || !challenge->usableAt(d_.clock.now())) return tl::unexpected(tokenInvalid());
    auto counted =
        countAttempt(d_.throttle, d_.limits, accountLockoutKey(challenge->user_id), d_.clock.now());
    tx->commit();
    if (!counted) return tl::unexpected(counted.error());
  }
  auto tx = d_.uow.begin();
  // Lock order: the challenge, then the user (as every MFA change takes it).
  auto challenge = d_.challenges.findByDigestForUpdate(digest);
  if (!challenge || !challenge->usableAt(d_.clock.now())) return tl::unexpected(tokenInvalid());
  auto user = d_.users.findByIdForUpdate(challenge->user_id);
  // A password changed or reset since, MFA turned off since, or the account deleted: the
  // login must start again.
  if (!user || !user->mfaEnabled() ||
      !constantTimeEqual(passwordFingerprint(d_, *user), challenge->password_fingerprint)) {
    return tl::unexpected(tokenInvalid());
  }
  auto mfa = d_.mfa.find(user->id());
  if (!mfa || !mfa->enabled()) return tl::unexpected(tokenInvalid());

  const Timestamp now = d_.clock.now();
  const auto kind = spendCode(d_, *mfa, code, now, /*allow_recovery=*/true);
  if (!kind) {
    challenge->recordFailure();  // the fifth ends it
    d_.challenges.update(*challenge);
    d_.audit.record(AuditEventType::MfaFailed, user->id(), client);
    tx->commit();
    return tl::unexpected(codeInvalid());
  }
  challenge->markUsed(now);
  d_.challenges.update(*challenge);
  d_.mfa.save(*mfa);
  if (*kind == CodeKind::Recovery) {
    d_.audit.record(AuditEventType::RecoveryCodeUsed, user->id(), client);
  }
  auto opened = tokens_.open(user->id(), now, client, users::domain::AuthMethods::PasswordAndOtp);
  user->openSession(std::move(opened.session), now, tokens_.policy());
  d_.audit.record(AuditEventType::LoginSucceeded, user->id(), client);
  auto written = d_.users.update(*user);
  if (!written) return tl::unexpected(written.error());
  tx->commit();
  endCount(d_, user->id());  // a successful login ends the count
  return tokens_.grant(*user, opened.token, now);
}

Status ResetMfa::execute(const std::string& user_id, const ClientInfo& client) {
  const auto id = Uuid::parse(user_id);
  if (!id) return fail(ErrorCode::NotFound, "No such user.");
  auto tx = d_.uow.begin();
  auto user = d_.users.findByIdForUpdate(*id);
  if (!user) return fail(ErrorCode::NotFound, "No such user.");
  const bool had_record = d_.mfa.find(*id).has_value();
  const Timestamp now = d_.clock.now();
  if (had_record) d_.mfa.remove(*id);
  if (user->setMfaEnabled(false, now)) {
    d_.audit.record(AuditEventType::MfaDisabled, *id, client);
    auto written = d_.users.update(*user);
    if (!written) return tl::unexpected(written.error());
    mailNotice(d_, Notice::MfaReset, *user, now);
  }
  tx->commit();
  return ok();
}

}  // namespace authd::auth::application
