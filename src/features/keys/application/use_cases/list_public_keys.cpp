#include "features/keys/application/use_cases/list_public_keys.hpp"

namespace authd::keys::application {

std::vector<domain::PublicSigningKey> ListPublicKeys::execute() const {
  return domain::publicationOrder(source_.publicKeys());
}

}  // namespace authd::keys::application
