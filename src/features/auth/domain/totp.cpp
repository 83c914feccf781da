#include "features/auth/domain/totp.hpp"

#include <chrono>

namespace authd::auth::domain {

std::int64_t totpStepAt(Timestamp at) {
  const auto seconds =
      std::chrono::duration_cast<std::chrono::seconds>(at.time_since_epoch()).count();
  // Floor division: a time before 1970 still maps to the step that contains it.
  return seconds >= 0 ? seconds / kTotpPeriodSeconds
                      : -((-seconds + kTotpPeriodSeconds - 1) / kTotpPeriodSeconds);
}

bool isTotpCodeShape(std::string_view code) {
  if (code.size() != static_cast<std::size_t>(kTotpDigits)) return false;
  for (char c : code) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

std::optional<std::int64_t> acceptedTotpStep(
    std::string_view code, Timestamp now, std::optional<std::int64_t> last_accepted,
    const std::function<std::string(std::int64_t step)>& codeFor,
    const std::function<bool(std::string_view, std::string_view)>& equal) {
  if (!isTotpCodeShape(code)) return std::nullopt;
  const std::int64_t current = totpStepAt(now);
  std::optional<std::int64_t> match;
  // Every step in the window is computed and compared, matched or not, so the work done does
  // not tell which step (if any) matched.
  for (std::int64_t step = current - kTotpSkewSteps; step <= current + kTotpSkewSteps; ++step) {
    const bool fresh = !last_accepted || step > *last_accepted;
    if (equal(codeFor(step), code) && fresh && !match) match = step;
  }
  return match;
}

}  // namespace authd::auth::domain
