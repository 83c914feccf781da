#include "features/keys/domain/signing_key.hpp"

#include <algorithm>

#include "shared/core/encoding.hpp"

namespace authd::keys::domain {

PublicSigningKey publicPartOf(const SigningKey& key) {
  return {key.kid, base64UrlEncode(key.public_key), key.active, key.created_at};
}

std::vector<PublicSigningKey> publicationOrder(std::vector<PublicSigningKey> keys) {
  std::stable_sort(keys.begin(), keys.end(), [](const auto& a, const auto& b) {
    if (a.active != b.active) return a.active;
    return a.created_at > b.created_at;
  });
  return keys;
}

}  // namespace authd::keys::domain
