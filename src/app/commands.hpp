#pragma once

#include <string>

#include "app/config.hpp"

namespace authd::app {

// Each returns the process exit code. They log, never throw.
int serve(const Config& config);
int migrate(const Config& config);
int migrateStatus(const Config& config);
int grantRole(const Config& config, const std::string& email, const std::string& role);
// Retires the active signing key and makes a new one active.
int rotateKeys(const Config& config);
// Re-seals private keys, server secrets and unsent mail under AUTH_NEW_MASTER_KEY.
int rotateMasterKey(const Config& config);

}  // namespace authd::app
