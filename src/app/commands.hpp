#pragma once

#include <string>

#include "app/config.hpp"

namespace authd::app {

// Each returns the process exit code. They log, never throw.
int serve(const Config& config);
int migrate(const Config& config);
int migrateStatus(const Config& config);
int grantRole(const Config& config, const std::string& email, const std::string& role);

}  // namespace authd::app
