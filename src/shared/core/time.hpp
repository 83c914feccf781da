// Time as the service sees it: UTC instants with microsecond precision (PostgreSQL's).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace authd {

using Timestamp = std::chrono::time_point<std::chrono::system_clock, std::chrono::microseconds>;
using Seconds = std::chrono::seconds;

inline std::int64_t toMicros(Timestamp t) { return t.time_since_epoch().count(); }
inline Timestamp fromMicros(std::int64_t us) { return Timestamp(std::chrono::microseconds(us)); }
inline std::int64_t toUnixSeconds(Timestamp t) {
  return std::chrono::floor<std::chrono::seconds>(t).time_since_epoch().count();
}

// RFC 3339 in UTC with a Z suffix. Fractional seconds are written only when non-zero, with
// microsecond precision ("2026-01-02T03:04:05.000123Z").
std::string formatRfc3339(Timestamp t);

// Parses what formatRfc3339 writes (and any "YYYY-MM-DDTHH:MM:SS[.f{1,6}]Z"); nullopt otherwise.
std::optional<Timestamp> parseRfc3339(std::string_view text);

}  // namespace authd
