#pragma once

#include <vector>

#include "features/keys/domain/signing_key.hpp"

namespace authd::keys::application {

// Port: the public halves of the keys that verify access tokens right now (the active key
// and the retired keys still inside their retention). Implementations must be thread-safe.
class PublicKeySource {
 public:
  virtual ~PublicKeySource() = default;
  virtual std::vector<domain::PublicSigningKey> publicKeys() const = 0;
};

}  // namespace authd::keys::application
