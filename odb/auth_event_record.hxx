// Persistence shape of an audit event (ODB compiler input only).
#pragma once

#include <string>

#include <odb/core.hxx>
#include <odb/nullable.hxx>

#include "odb_types.hxx"

namespace authd::records {

#pragma db object table("auth_events") pointer(std::shared_ptr)
struct AuthEventRecord {
#pragma db id column("id") type("UUID")
  std::string id;
#pragma db column("user_id") type("UUID") null
  odb::nullable<std::string> user_id;
#pragma db column("type") type("TEXT")
  std::string type;
#pragma db column("at") type("TIMESTAMPTZ")
  long long at = 0;
#pragma db column("ip") type("TEXT")
  std::string ip;
#pragma db column("user_agent") type("TEXT")
  std::string user_agent;
};

}  // namespace authd::records
