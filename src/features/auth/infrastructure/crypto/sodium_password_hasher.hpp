#pragma once

#include <mutex>
#include <string>

#include "features/auth/application/ports/password_hasher.hpp"

namespace authd::auth::infrastructure {

// Argon2id through libsodium's crypto_pwhash_str (encoded string with its own salt and
// parameters). Thread-safe.
class SodiumPasswordHasher final : public application::PasswordHasher {
 public:
  // opslimit/memlimit: Argon2id cost; throws std::invalid_argument outside libsodium's bounds.
  SodiumPasswordHasher(unsigned long long opslimit, std::size_t memlimit);

  std::string hash(std::string_view password) override;
  bool verify(const std::string& encoded, std::string_view password) override;
  // Only for weaker parameters (lower memory or fewer passes) or a non-Argon2id string: a
  // configuration lowered on purpose does not weaken stored hashes one login at a time.
  bool needsRehash(const std::string& encoded) override;
  const std::string& dummyHash() override;

 private:
  unsigned long long opslimit_;
  std::size_t memlimit_;
  std::once_flag dummy_once_;
  std::string dummy_;
};

}  // namespace authd::auth::infrastructure
