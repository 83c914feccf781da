// What every CLI command shares: the database handle, the master key, the error boundary.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include <odb/pgsql/database.hxx>

#include "app/config.hpp"
#include "features/keys/infrastructure/crypto/master_key.hpp"

namespace authd::app {

// The process's one pooled database handle.
std::shared_ptr<odb::pgsql::database> database(const Config& config,
                                               const std::string& application_name = "authd");

// AUTH_MASTER_KEY, or in dev mode (loudly) the public development key; nullopt, logged,
// when it is missing or malformed.
std::optional<keys::infrastructure::MasterKey> masterKey(const Config& config);

// Every command's one error boundary: what `command` throws is logged as "`what` failed: ..."
// and exits 1. Commands log their own expected failures and return the exit code.
int runCommand(const char* what, const std::function<int()>& command);

}  // namespace authd::app
