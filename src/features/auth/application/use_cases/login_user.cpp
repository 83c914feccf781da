#include "features/auth/application/use_cases/login_user.hpp"

#include <algorithm>
#include <stdexcept>

#include "features/users/application/modify_user.hpp"

namespace authd::auth::application {
std::string LoginUser::identifierOf(const Input& in) {
  return users::domain::normaliseIdentifier(in.email ? *in.email : in.username.value_or(""));
}

std::optional<users::domain::User> LoginUser::find(const Input& in) {
  if (in.email) return users_.findByEmail(identifierOf(in));
  if (in.username) return users_.findByUsername(identifierOf(in));
  return std::nullopt;
}

Result<TokenGrant> LoginUser::execute(const Input& in) {
  if (!in.email && !in.username) {
    return validationFailed({FieldError{"email", "required", "Give an email or a username."}});
  }
  const std::string identifier = identifierOf(in);
  std::optional<users::domain::User> user;
  std::string lockout_key;
  {
    auto tx = uow_.begin();
    user = find(in);
    // Counted whether or not an account matched (per account when one did), so the limit
    // reveals nothing and an account's email and username share one count.
    lockout_key = lockoutKey(user, identifier);
    auto counted = countAttempt(throttle_, limits_, lockout_key, clock_.now());
    tx->commit();
    if (!counted) return tl::unexpected(counted.error());
  }  // the connection is free before hashing

  // Verify even when no account matched, against a dummy hash of the same cost, so the answer
  // and its timing are the same for a wrong password and an unknown or deleted account.
  const bool matches =
      hasher_.verify(user ? user->passwordHash() : hasher_.dummyHash(identifier), in.password);
  if (!user || !matches) {
    auto tx = uow_.begin();
    audit_.record(users::application::AuditEventType::LoginFailed,
                  user ? std::optional<Uuid>(user->id()) : std::nullopt, in.client);
    tx->commit();
    return tl::unexpected(invalidCredentials());
  }

  // Parameters weaker than the configured ones (an older, cheaper setting): store a fresh
  // hash now, while the plain password is at hand. Hashed outside the transaction.
  std::optional<std::string> rehashed;
  if (hasher_.needsRehash(user->passwordHash())) rehashed = hasher_.hash(in.password);

  const std::string verified_hash = user->passwordHash();
  struct Opened {
    std::optional<domain::RefreshToken> token;  // none when MFA is on
    std::optional<std::string> mfa_token;       // the second step, when MFA is on
    Timestamp now;
  };
  auto changed = users::application::modifyUser(
      uow_, users_, {audit_, in.client}, user->id(),
      [&](users::domain::User& u) -> Result<users::application::Change<Opened>> {
        // The password may have changed since it was verified: then it proves nothing.
        auto still = stillVerified(u, verified_hash);
        if (!still) return tl::unexpected(still.error());
        const Timestamp now = clock_.now();
        if (u.mfaEnabled()) {
          // The challenge joins this transaction; the user is written only for a re-hash (the
          // challenge is bound to the hash stored now). The same answer for every account
          // until here, so MFA shows only after the right password.
          if (mfa_challenges_ == nullptr) {
            throw std::logic_error("LoginUser has no MFA challenge issuer");
          }
          if (rehashed) u.changePasswordHash(*rehashed, now);
          Opened pending{std::nullopt, mfa_challenges_->issue(u, now), now};
          if (!rehashed) return users::application::keep(std::move(pending));
          return users::application::write(std::nullopt, std::move(pending));
        }
        if (limits_.max_fails > 0) throttle_.reset(lockout_key);
        auto opened = tokens_.open(u.id(), now, in.client);
        if (rehashed) u.changePasswordHash(*rehashed, now);
        u.openSession(std::move(opened.session), now, tokens_.policy());
        return users::application::write(users::application::AuditEventType::LoginSucceeded,
                                         Opened{std::move(opened.token), std::nullopt, now});
      });
  if (!changed) {
    // Deleted meanwhile: as if unknown.
    if (changed.error().code == ErrorCode::NotFound) return tl::unexpected(invalidCredentials());
    return tl::unexpected(changed.error());
  }
  if (changed->value.mfa_token) {
    Error e{ErrorCode::MfaRequired,
            "The account needs a second factor: send a code with this "
            "mfa_token to /v1/auth/login/mfa.",
            {}};
    e.mfa_token = std::move(changed->value.mfa_token);
    return tl::unexpected(std::move(e));
  }
  return tokens_.grant(changed->user, *changed->value.token, changed->value.now);
}

}  // namespace authd::auth::application
