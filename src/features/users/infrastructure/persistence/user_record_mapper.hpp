#pragma once

#include <string>
#include <vector>

#include "features/users/domain/user.hpp"
#include "user_record.hxx"

namespace authd::users::infrastructure {

// The only code that sees both the domain User and its ODB record.
// Sessions become a JSON array of objects:
//   {"id", "gen", "digest" (base64url), "created_at", "last_used_at", "expires_at",
//    "rotated_at" (or null), "user_agent", "ip"}  -- timestamps RFC 3339 with microseconds.
records::UserRecord toRecord(const domain::User& user);
// Throws std::runtime_error when the stored JSON or ids are malformed (corrupt row).
domain::User toDomain(const records::UserRecord& record);

std::string sessionsToJson(const std::vector<domain::Session>& sessions);
std::vector<domain::Session> sessionsFromJson(const std::string& json);

}  // namespace authd::users::infrastructure
