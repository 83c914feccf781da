#include "features/users/application/use_cases/grant_role.hpp"

namespace authd::users::application {
namespace {
constexpr int kMaxAttempts = 3;
}

Result<GrantRole::Output> GrantRole::execute(const Input& input) {
  auto email = domain::Email::parse(input.email);
  if (!email) return tl::unexpected(email.error());
  if (!domain::isValidRoleName(input.role)) {
    return validationFailed({FieldError{"role", "invalid_format", "Role name is malformed."}});
  }
  for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
    auto tx = uow_.begin();
    auto user = users_.findByEmail(email->value());
    if (!user) return fail(ErrorCode::NotFound, "No account has this email.");
    if (!user->grantRole(input.role, clock_.now())) {
      return Output{std::move(*user), false};
    }
    audit_.record(AuditEventType::RoleGranted, user->id(), ClientInfo{"authd-cli", ""});
    auto written = users_.update(*user);
    if (!written) {
      if (written.error().code == ErrorCode::Conflict) continue;
      return tl::unexpected(written.error());
    }
    tx->commit();
    return Output{std::move(*user), true};
  }
  return fail(ErrorCode::Conflict, "The account changed concurrently; try again.");
}

}  // namespace authd::users::application
