#include "features/auth/infrastructure/crypto/sodium_password_hasher.hpp"

#include <sodium.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
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
  randombytes_buf(pick_key_, sizeof pick_key_);
}

std::string SodiumPasswordHasher::hash(std::string_view password) {
  return hashWith(password, opslimit_, memlimit_);
}

std::string SodiumPasswordHasher::hashWith(std::string_view password, unsigned long long opslimit,
                                           std::size_t memlimit) const {
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_argon2id_str(out, password.data(), password.size(), opslimit, memlimit) != 0) {
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

namespace {

// A random password nobody knows: the dummy can never verify.
std::string randomPassword() {
  unsigned char random[32];
  randombytes_buf(random, sizeof random);
  return std::string(reinterpret_cast<const char*>(random), sizeof random);
}

}  // namespace

std::shared_ptr<const SodiumPasswordHasher::Dummies> SodiumPasswordHasher::dummies() {
  std::lock_guard lock(mutex_);
  if (!dummies_) {
    auto d = std::make_shared<Dummies>();
    d->hashes.push_back(hashWith(randomPassword(), opslimit_, memlimit_));
    d->weights_upto.push_back(1);
    dummies_ = std::move(d);
  }
  return dummies_;
}

void SodiumPasswordHasher::setPickKey(const SecretBytes& shared_secret) {
  static constexpr char kContext[] = "authd dummy-hash pick";
  std::lock_guard lock(mutex_);
  crypto_generichash(pick_key_, sizeof pick_key_, reinterpret_cast<const unsigned char*>(kContext),
                     sizeof kContext - 1, shared_secret.data(), shared_secret.size());
}

std::string SodiumPasswordHasher::dummyHash(std::string_view identifier) {
  const auto d = dummies();
  unsigned char digest[crypto_shorthash_BYTES];
  {
    std::lock_guard lock(mutex_);
    crypto_shorthash(digest, reinterpret_cast<const unsigned char*>(identifier.data()),
                     identifier.size(), pick_key_);
  }
  std::uint64_t pick = 0;
  std::memcpy(&pick, digest, sizeof pick);
  pick %= d->weights_upto.back();
  const auto at = std::upper_bound(d->weights_upto.begin(), d->weights_upto.end(), pick);
  return d->hashes[static_cast<std::size_t>(at - d->weights_upto.begin())];
}

void SodiumPasswordHasher::matchStoredSettings(const std::vector<StoredHashSetting>& mix) {
  std::vector<StoredHashSetting> usable;
  for (const auto& s : mix) {
    unsigned long long m_kib = 0, t = 0, p = 0;
    const bool parsed =
        std::sscanf(s.setting.c_str(), "$argon2id$v=19$m=%llu,t=%llu,p=%llu", &m_kib, &t, &p) == 3;
    if (!parsed || p != 1 || s.accounts == 0 || t < crypto_pwhash_argon2id_OPSLIMIT_MIN ||
        t > crypto_pwhash_argon2id_OPSLIMIT_MAX ||
        m_kib * 1024 < crypto_pwhash_argon2id_MEMLIMIT_MIN ||
        m_kib * 1024 > crypto_pwhash_argon2id_MEMLIMIT_MAX) {
      continue;
    }
    usable.push_back(s);
  }
  std::stable_sort(usable.begin(), usable.end(),
                   [](const auto& a, const auto& b) { return a.accounts > b.accounts; });
  if (usable.size() > 4) usable.resize(4);
  if (usable.empty()) return;  // keep what there is (the configured cost by default)
  // A fixed order and shares rounded to 1/64: an identifier keeps its dummy from one sweep to
  // the next unless the mix really moves.
  std::size_t accounts = 0;
  for (const auto& s : usable) accounts += s.accounts;
  std::sort(usable.begin(), usable.end(),
            [](const auto& a, const auto& b) { return a.setting < b.setting; });

  auto next = std::make_shared<Dummies>();
  std::size_t total = 0;
  for (const auto& s : usable) {
    std::string known;
    {
      std::lock_guard lock(mutex_);
      auto it = by_setting_.find(s.setting);
      if (it != by_setting_.end()) known = it->second;
    }
    if (known.empty()) {
      unsigned long long m_kib = 0, t = 0;
      std::sscanf(s.setting.c_str(), "$argon2id$v=19$m=%llu,t=%llu", &m_kib, &t);
      known = hashWith(randomPassword(), t, static_cast<std::size_t>(m_kib * 1024));
      std::lock_guard lock(mutex_);
      by_setting_[s.setting] = known;
    }
    total += std::max<std::size_t>(1, (s.accounts * 64 + accounts / 2) / accounts);
    next->hashes.push_back(known);
    next->weights_upto.push_back(total);
  }
  std::lock_guard lock(mutex_);
  dummies_ = std::move(next);
}

}  // namespace authd::auth::infrastructure
