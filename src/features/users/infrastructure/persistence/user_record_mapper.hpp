#pragma once

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "features/users/domain/user.hpp"
#include "user_record.hxx"

namespace authd::users::infrastructure {

// The only code that sees both the domain User and its ODB record. Sessions become the JSON
// array sessions_json.hpp describes.
records::UserRecord toRecord(const domain::User& user);
// Throws std::runtime_error when the stored JSON or ids are malformed (corrupt row).
domain::User toDomain(const records::UserRecord& record);

// users.role_names, a JSON array of strings. Throws std::runtime_error when malformed.
std::set<std::string> roleNamesFromJson(std::string_view text);

}  // namespace authd::users::infrastructure
