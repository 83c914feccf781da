#pragma once

#include <sodium.h>

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "features/auth/application/ports/password_hasher.hpp"
#include "shared/core/secret_bytes.hpp"

namespace authd::auth::infrastructure {

// How many live accounts store their hash under one Argon2id setting, the encoded hash's
// prefix "$argon2id$v=19$m=<KiB>,t=<passes>,p=<lanes>".
struct StoredHashSetting {
  std::string setting;
  std::size_t accounts = 0;
};

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
  // One of the dummies below, chosen by a keyed digest of the identifier, so the unknown
  // identifiers' costs spread like the accounts' and one identifier always costs the same,
  // on every instance and across restarts (with setPickKey) and sweeps (shares are rounded to
  // 1/64, and settings kept in a fixed order).
  std::string dummyHash(std::string_view identifier) override;
  // The key of that digest, from a secret every instance shares (serve: the login-identifier
  // digest key). Without one, a random key per process.
  void setPickKey(const SecretBytes& shared_secret);

  // Makes the dummies follow the stored hashes' settings (serve calls it at start-up and at
  // every retention sweep): one dummy per setting, up to the four most common, weighted by
  // their accounts. Settings libsodium cannot produce (other lane counts, out-of-range costs)
  // are skipped; with none left, one dummy at the configured cost. Hashes only settings it has
  // not hashed before.
  void matchStoredSettings(const std::vector<StoredHashSetting>& mix);

 private:
  struct Dummies {
    std::vector<std::string> hashes;
    std::vector<std::size_t> weights_upto;  // running sum of accounts
  };
  std::string hashWith(std::string_view password, unsigned long long opslimit,
                       std::size_t memlimit) const;
  std::shared_ptr<const Dummies> dummies();

  unsigned long long opslimit_;
  std::size_t memlimit_;
  std::mutex mutex_;
  unsigned char pick_key_[crypto_shorthash_KEYBYTES];  // under mutex_
  std::shared_ptr<const Dummies> dummies_;             // under mutex_
  std::map<std::string, std::string> by_setting_;      // under mutex_: setting -> its dummy
};

}  // namespace authd::auth::infrastructure
