#include "features/auth/application/use_cases/login_user.hpp"

namespace authd::auth::application {
namespace {

constexpr int kMaxAttempts = 3;

Error invalidCredentials() {
  return Error{ErrorCode::InvalidCredentials, "The email, username or password is wrong.", {}};
}

}  // namespace

std::optional<users::domain::User> LoginUser::find(const Input& in) {
  if (in.email) {
    return users_.findByEmail(users::domain::normaliseIdentifier(*in.email));
  }
  if (in.username) {
    return users_.findByUsername(users::domain::normaliseIdentifier(*in.username));
  }
  return std::nullopt;
}

Result<TokenGrant> LoginUser::execute(const Input& in) {
  if (!in.email && !in.username) {
    return validationFailed({FieldError{"email", "required", "Give an email or a username."}});
  }
  std::optional<users::domain::User> user;
  {
    auto tx = uow_.begin();
    user = find(in);
  }  // read-only: rolled back, and the connection is free before hashing

  // Verify even when no account matched, against a dummy hash of the same cost, so the answer
  // and its timing are the same for a wrong password and an unknown or deleted account.
  const bool matches = hasher_.verify(user ? user->passwordHash() : hasher_.dummyHash(), in.password);
  if (!user || !matches) {
    auto tx = uow_.begin();
    audit_.record(users::application::AuditEventType::LoginFailed,
                  user ? std::optional<Uuid>(user->id()) : std::nullopt, in.client);
    tx->commit();
    return tl::unexpected(invalidCredentials());
  }

  for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
    auto tx = uow_.begin();
    if (attempt > 0) {
      user = users_.findByIdForUpdate(user->id());
      if (!user) return tl::unexpected(invalidCredentials());  // deleted meanwhile
    }
    const Timestamp now = clock_.now();
    auto opened = tokens_.open(user->id(), now, in.client);
    user->openSession(std::move(opened.session), now, tokens_.policy());
    audit_.record(users::application::AuditEventType::LoginSucceeded, user->id(), in.client);
    auto written = users_.update(*user);
    if (!written) {
      if (written.error().code == ErrorCode::Conflict) continue;
      return tl::unexpected(written.error());
    }
    tx->commit();
    return tokens_.grant(*user, opened.token, now);
  }
  return fail(ErrorCode::Conflict, "The account changed concurrently; try again.");
}

}  // namespace authd::auth::application
