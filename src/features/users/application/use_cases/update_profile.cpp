#include "features/users/application/use_cases/update_profile.hpp"

#include "features/users/application/modify_user.hpp"

namespace authd::users::application {

Result<domain::User> UpdateProfile::execute(const Input& in) {
  std::vector<FieldError> errors;
  std::optional<domain::Username> username;
  if (in.username) {
    auto parsed = domain::Username::parse(*in.username);
    if (parsed) username = *parsed;
    else errors.insert(errors.end(), parsed.error().fields.begin(), parsed.error().fields.end());
  }
  std::optional<std::string> display_name;
  if (in.display_name_given && in.display_name) {
    auto parsed = domain::parseDisplayName(*in.display_name);
    if (parsed) display_name = *parsed;
    else errors.insert(errors.end(), parsed.error().fields.begin(), parsed.error().fields.end());
  }
  if (!errors.empty()) return validationFailed(std::move(errors));

  domain::User updated{domain::User::State{}};
  auto status = modifyUser(
      uow_, users_, in.user_id,
      [&](domain::User& user) -> Result<Write> {
        const Timestamp now = clock_.now();
        bool changed = false;
        if (username && username->value() != user.username()) {
          if (users_.usernameExists(username->value())) {
            return fail(ErrorCode::UsernameTaken, "This username is taken.");
          }
          user.rename(*username, now);
          changed = true;
        }
        if (in.display_name_given && display_name != user.state().display_name) {
          user.setDisplayName(display_name, now);
          changed = true;
        }
        if (!changed) return Write::No;
        audit_.record(AuditEventType::ProfileUpdated, user.id(), in.client);
        return Write::Yes;
      },
      &updated);
  if (!status) return tl::unexpected(status.error());
  return updated;
}

}  // namespace authd::users::application
