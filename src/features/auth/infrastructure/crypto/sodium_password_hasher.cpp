#include "features/auth/infrastructure/crypto/sodium_password_hasher.hpp"

#include <sodium.h>

#include <cstdio>
#include <stdexcept>

namespace authd::auth::infrastructure {

SodiumPasswordHasher::SodiumPasswordHasher(unsigned long long opslimit, std::size_t memlimit)
    : opslimit_(opslimit), memlimit_(memlimit) {
  if (sodium_init() < 0) throw std::runtime_error("libsodium could not be initialised");
  if (opslimit < crypto_pwhash_argon2id_OPSLIMIT_MIN ||
      opslimit > crypto_pwhash_argon2id_OPSLIMIT_MAX ||
      memlimit < crypto_pwhash_argon2id_MEMLIMIT_MIN ||
      memlimit > crypto_pwhash_argon2id_MEMLIMIT_MAX) {
    throw std::invalid_argument("Argon2id limits out of range");
  }
}

std::string SodiumPasswordHasher::hash(std::string_view password) {
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_argon2id_str(out, password.data(), password.size(), opslimit_, memlimit_) !=
      0) {
    throw std::runtime_error("Argon2id hashing ran out of memory");
  }
  return out;
}

bool SodiumPasswordHasher::verify(const std::string& encoded, std::string_view password) {
  // Compares in constant time internally; a malformed encoding is simply a mismatch.
  return crypto_pwhash_argon2id_str_verify(encoded.c_str(), password.data(), password.size()) == 0;
}

bool SodiumPasswordHasher::needsRehash(const std::string& encoded) {
  // libsodium answers 0 (same parameters), 1 (other parameters) or -1 (not Argon2id).
  const int differs =
      crypto_pwhash_argon2id_str_needs_rehash(encoded.c_str(), opslimit_, memlimit_);
  if (differs <= 0) return differs < 0;
  // Which way they differ: "$argon2id$v=19$m=<KiB>,t=<passes>,p=<lanes>$salt$hash".
  unsigned long long m_kib = 0, t = 0;
  const auto params = encoded.find("$m=");
  if (params == std::string::npos ||
      std::sscanf(encoded.c_str() + params, "$m=%llu,t=%llu,", &m_kib, &t) != 2) {
    return true;
  }
  return m_kib * 1024 < memlimit_ || t < opslimit_;
}

const std::string& SodiumPasswordHasher::dummyHash() {
  std::call_once(dummy_once_, [this] {
    unsigned char random[32];
    randombytes_buf(random, sizeof random);
    dummy_ = hash(std::string_view(reinterpret_cast<const char*>(random), sizeof random));
  });
  return dummy_;
}

}  // namespace authd::auth::infrastructure
