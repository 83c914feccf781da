#pragma once

#include <string_view>

#include "shared/core/time.hpp"

namespace authd::auth::application {

// Port: failed-login counters per login identifier, shared by every instance (contract,
// "Abuse limits"). Runs inside the caller's unit of work.
class LoginThrottle {
 public:
  struct Count {
    int attempts = 0;             // this attempt included
    Timestamp window_started_at;  // when the window these attempts share began
  };

  virtual ~LoginThrottle() = default;
  // Counts one attempt for `identifier` (already normalised) and returns the count so far.
  // Attempts are counted before the password is checked, so parallel guesses cannot slip
  // past the limit; a success calls reset(). A window older than `window` starts afresh.
  virtual Count countAttempt(std::string_view identifier, Timestamp now, Seconds window) = 0;
  virtual void reset(std::string_view identifier) = 0;
};

}  // namespace authd::auth::application
