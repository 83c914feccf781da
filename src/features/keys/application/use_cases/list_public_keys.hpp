#pragma once

#include <vector>

#include "features/keys/application/ports/public_key_source.hpp"

namespace authd::keys::application {

// GET /.well-known/jwks.json: every key a relying service must trust now, in publication
// order (the active key first). Thread-safe if its port is.
class ListPublicKeys {
 public:
  explicit ListPublicKeys(const PublicKeySource& source) : source_(source) {}
  [[nodiscard]] std::vector<domain::PublicSigningKey> execute() const;

 private:
  const PublicKeySource& source_;
};

}  // namespace authd::keys::application
