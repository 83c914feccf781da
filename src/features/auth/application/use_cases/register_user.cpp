#include "features/auth/application/use_cases/register_user.hpp"

#include <algorithm>

namespace authd::auth::application {
namespace {

template <typename T>
void collect(const Result<T>& r, std::vector<FieldError>& out) {
  if (!r) out.insert(out.end(), r.error().fields.begin(), r.error().fields.end());
}

}  // namespace

std::vector<FieldError> RegisterUser::validate(const Input& in,
                                               const std::vector<std::string>& skip) const {
  auto skipped = [&](const char* f) {
    return std::find(skip.begin(), skip.end(), f) != skip.end();
  };
  std::vector<FieldError> errors;
  if (!skipped("email")) collect(users::domain::Email::parse(in.email), errors);
  if (!skipped("username")) collect(users::domain::Username::parse(in.username), errors);
  if (!skipped("display_name") && in.display_name) {
    collect(users::domain::parseDisplayName(*in.display_name), errors);
  }
  if (!skipped("password")) {
    collect(policy_.check(in.password, skipped("email") ? "" : in.email,
                          skipped("username") ? "" : in.username),
            errors);
  }
  return errors;
}

Result<TokenGrant> RegisterUser::execute(const Input& in) {
  auto errors = validate(in);
  if (!errors.empty()) return validationFailed(std::move(errors));
  const auto email = *users::domain::Email::parse(in.email);
  const auto username = *users::domain::Username::parse(in.username);
  std::optional<std::string> display_name;
  if (in.display_name) display_name = *users::domain::parseDisplayName(*in.display_name);

  // Argon2id is slow by design: hash before opening a transaction so no connection is held.
  const std::string password_hash = hasher_.hash(in.password);

  struct Created {
    users::domain::User user;
    domain::RefreshToken token;
    Timestamp now;
  };
  auto created = retryOnConflict(uow_, kConflictAttempts, [&](int) -> Result<Created> {
    if (users_.emailExists(email.value())) {
      return fail(ErrorCode::EmailTaken, "An account with this email already exists.");
    }
    if (users_.usernameExists(username.value())) {
      return fail(ErrorCode::UsernameTaken, "This username is taken.");
    }
    const Timestamp now = clock_.now();
    auto user = users::domain::User::create(Uuid::v7(now, random_), email, username, display_name,
                                            password_hash, now);
    auto opened = tokens_.open(user.id(), now, in.client);
    user.openSession(std::move(opened.session), now, tokens_.policy());
    // A concurrent registration may take the email or username between the checks and the
    // insert (Conflict): the retry's checks above then name which one.
    if (auto added = users_.add(user); !added) return tl::unexpected(added.error());
    audit_.record(users::application::AuditEventType::Registered, user.id(), in.client);
    return Created{std::move(user), std::move(opened.token), now};
  });
  if (!created) return tl::unexpected(created.error());
  return tokens_.grant(created->user, created->token, created->now);
}

}  // namespace authd::auth::application
