#pragma once

#include <cstdio>
#include <string>

#include "app/config.hpp"

namespace authd::app {

// Each returns the process exit code. They log, never throw.
int serve(const Config& config);
int migrate(const Config& config);
int migrateStatus(const Config& config);
int grantRole(const Config& config, const std::string& email, const std::string& role);
// `authd rotate-keys [--now]`: publishes a new signing key, signing after
// AUTH_KEY_ACTIVATION_DELAY, or at once with `now` (the old one retires then).
int rotateKeys(const Config& config, bool now);
// `authd revoke-key KID`: takes a (non-active) key out of the JWKS and of verification.
int revokeKey(const Config& config, const std::string& kid);
// `authd rotate-secrets`: new random digest keys; ends every session, unused mail link and
// lockout count (they are keyed by the old ones). Every instance must restart afterwards.
int rotateSecrets(const Config& config);
// Re-seals private keys, server secrets and unsent mail under AUTH_NEW_MASTER_KEY.
int rotateMasterKey(const Config& config);
// `authd config check`: every bad or missing variable at once, then the database's
// reachability and migration state; "ok:" and "error:" lines to `out`. 0 when `serve` would
// start and be ready, 2 otherwise.
int configCheck(const Getenv& env, std::FILE* out);

}  // namespace authd::app
