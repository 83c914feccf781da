// Time-based one-time codes (RFC 6238 over RFC 4226): the rules, without the cryptography.
// Which 30 s step a code may belong to, and the per-user replay rule, live here; computing a
// code for a step is the OneTimeCodes port's (HMAC-SHA1, an infrastructure concern).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "shared/core/time.hpp"

namespace authd::auth::domain {

inline constexpr std::int64_t kTotpPeriodSeconds = 30;
inline constexpr int kTotpDigits = 6;
inline constexpr int kTotpSkewSteps = 1;  // one step either side of the current one

// The RFC 6238 time step of `at` (T = floor(unix seconds / 30)).
std::int64_t totpStepAt(Timestamp at);

// True when `code` has the shape of a TOTP code: exactly six ASCII digits.
bool isTotpCodeShape(std::string_view code);

// The step `code` was made for: the current step or one either side, and only a step after
// `last_accepted` (a code is accepted once; an older one never). `codeFor(step)` is the
// expected six-digit code of a step; the comparison is the caller's constant-time one, passed
// as `equal`. nullopt when no step in the window matches.
std::optional<std::int64_t> acceptedTotpStep(
    std::string_view code, Timestamp now, std::optional<std::int64_t> last_accepted,
    const std::function<std::string(std::int64_t step)>& codeFor,
    const std::function<bool(std::string_view, std::string_view)>& equal);

}  // namespace authd::auth::domain
