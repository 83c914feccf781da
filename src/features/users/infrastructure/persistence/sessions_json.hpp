// The users.sessions JSONB array, written and read by hand. Every refresh reads and writes the
// whole array, and nlohmann's tree (one allocation per key and value) was the largest part of
// authd's own CPU on that path (docs/performance.md); this codec writes straight into one
// string and reads without building a tree.
//
// Each session is an object:
//   {"id", "gen", "digest" (base64url), "created_at", "last_used_at", "expires_at",
//    "rotated_at", "user_agent", "ip", "amr"}
// timestamps RFC 3339 with microseconds. A field at its default is left out: "rotated_at" when
// the session never rotated, "user_agent" and "ip" when empty, "amr" when ["pwd"]. Readers
// since the first release treat an absent field as that default, so older binaries read what
// this writes (rolling upgrades), and this reads what they wrote (null "rotated_at" included).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "features/users/domain/session.hpp"

namespace authd::users::infrastructure {

// Strings are written as valid JSON for PostgreSQL: invalid UTF-8 and NUL (which JSONB
// refuses) become U+FFFD, other control characters are escaped.
std::string writeSessionsJson(const std::vector<domain::Session>& sessions);

// Accepts any JSON layout of that shape (PostgreSQL prints JSONB with its own spacing and key
// order); unknown keys are skipped. Throws std::runtime_error on anything else (a corrupt row).
std::vector<domain::Session> readSessionsJson(std::string_view json);

}  // namespace authd::users::infrastructure
