#include "features/auth/infrastructure/crypto/sodium_refresh_token_hasher.hpp"

#include <sodium.h>

#include <stdexcept>

namespace authd::auth::infrastructure {
namespace {

Bytes keyedHash(const SecretBytes& key, const Bytes& in) {
  Bytes out(32);
  crypto_generichash(out.data(), out.size(), in.data(), in.size(), key.data(), key.size());
  return out;
}

}  // namespace

SodiumRefreshTokenHasher::SodiumRefreshTokenHasher(Secret digest_key, Secret successor_key)
    : digest_key_(std::move(digest_key)), successor_key_(std::move(successor_key)) {
  if (!digest_key_ || !successor_key_ || digest_key_->size() != 32 ||
      successor_key_->size() != 32 ||
      sodium_memcmp(digest_key_->data(), successor_key_->data(), 32) == 0) {
    throw std::invalid_argument("refresh token hasher needs two distinct 32-byte keys");
  }
}

Bytes SodiumRefreshTokenHasher::digest(const Bytes& secret) const {
  return keyedHash(*digest_key_, secret);
}

Bytes SodiumRefreshTokenHasher::successor(const Bytes& secret) const {
  return keyedHash(*successor_key_, secret);
}

SodiumRecoveryCodeHasher::SodiumRecoveryCodeHasher(Secret key) : key_(std::move(key)) {
  if (!key_ || key_->size() != 32) {
    throw std::invalid_argument("recovery code hasher needs a 32-byte key");
  }
}

Bytes SodiumRecoveryCodeHasher::digest(std::string_view canonical_code) const {
  return keyedHash(*key_, Bytes(canonical_code.begin(), canonical_code.end()));
}

}  // namespace authd::auth::infrastructure
