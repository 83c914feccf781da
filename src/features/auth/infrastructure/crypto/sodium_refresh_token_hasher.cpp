#include "features/auth/infrastructure/crypto/sodium_refresh_token_hasher.hpp"

#include <sodium.h>

#include <stdexcept>

namespace authd::auth::infrastructure {
namespace {

Bytes keyedHash(const Bytes& key, const Bytes& in) {
  Bytes out(32);
  crypto_generichash(out.data(), out.size(), in.data(), in.size(), key.data(), key.size());
  return out;
}

}  // namespace

SodiumRefreshTokenHasher::SodiumRefreshTokenHasher(Bytes digest_key, Bytes successor_key)
    : digest_key_(std::move(digest_key)), successor_key_(std::move(successor_key)) {
  if (digest_key_.size() != 32 || successor_key_.size() != 32 || digest_key_ == successor_key_) {
    throw std::invalid_argument("refresh token hasher needs two distinct 32-byte keys");
  }
}

Bytes SodiumRefreshTokenHasher::digest(const Bytes& secret) const {
  return keyedHash(digest_key_, secret);
}

Bytes SodiumRefreshTokenHasher::successor(const Bytes& secret) const {
  return keyedHash(successor_key_, secret);
}

}  // namespace authd::auth::infrastructure
