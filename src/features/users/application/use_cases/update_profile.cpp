#include "features/users/application/use_cases/update_profile.hpp"

#include "features/users/application/modify_user.hpp"

namespace authd::users::application {

Result<domain::Profile> GetProfile::execute(const Uuid& user_id) {
  auto profile = users_.findProfile(user_id);
  if (!profile) return fail(ErrorCode::Unauthorized, "The account no longer exists.");
  return std::move(*profile);
}

Result<domain::User> UpdateProfile::execute(const Input& in) {
  std::vector<FieldError> errors;
  std::optional<domain::Username> username;
  if (in.username) {
    auto parsed = domain::Username::parse(*in.username);
    if (parsed)
      username = *parsed;
    else
      errors.insert(errors.end(), parsed.error().fields.begin(), parsed.error().fields.end());
  }
  std::optional<std::string> display_name;
  if (in.display_name_given && in.display_name) {
    auto parsed = domain::parseDisplayName(*in.display_name);
    if (parsed)
      display_name = *parsed;
    else
      errors.insert(errors.end(), parsed.error().fields.begin(), parsed.error().fields.end());
  }
  if (!errors.empty()) return validationFailed(std::move(errors));

  auto changed = modifyUser(
      uow_, users_, {audit_, in.client}, in.user_id, [&](domain::User& user) -> Result<Change<>> {
        const Timestamp now = clock_.now();
        bool renamed = false;
        if (username && username->value() != user.username()) {
          if (users_.usernameExists(username->value())) {
            return fail(ErrorCode::UsernameTaken, "This username is taken.");
          }
          user.rename(*username, now);
          renamed = true;
        }
        const bool named = in.display_name_given && display_name != user.state().display_name;
        if (named) user.setDisplayName(display_name, now);
        if (!renamed && !named) return keep();
        return write(AuditEventType::ProfileUpdated);
      });
  if (!changed) return tl::unexpected(changed.error());
  return std::move(changed->user);
}

}  // namespace authd::users::application
