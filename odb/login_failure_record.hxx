// Persistence shape of a failed-login counter (ODB compiler input only).
#pragma once

#include <string>

#include <odb/core.hxx>

#include "odb_types.hxx"

namespace authd::records {

#pragma db object table("login_failures") pointer(std::shared_ptr)
struct LoginFailureRecord {
#pragma db id column("identifier_digest") type("TEXT")
  std::string identifier_digest;  // hex keyed BLAKE2b of the normalised identifier
#pragma db column("attempts") type("INTEGER")
  int attempts = 0;
#pragma db column("window_started_at") type("TIMESTAMPTZ")
  long long window_started_at = 0;
};

}  // namespace authd::records
