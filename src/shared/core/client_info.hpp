#pragma once

#include <string>

namespace authd {

// Where a request came from; remembered by sessions and audit events.
struct ClientInfo {
  std::string user_agent;
  std::string ip;
};

}  // namespace authd
