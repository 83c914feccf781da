#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "features/keys/application/ports/sealer.hpp"
#include "shared/core/random_source.hpp"
#include "shared/core/secret_bytes.hpp"

namespace authd::keys::infrastructure {

// The 32-byte master key (AUTH_MASTER_KEY) that seals private signing keys at rest and from
// which the refresh-token hashing keys are derived. Held in memory locked against swapping
// and wiped on destruction. Not copyable.
class MasterKey {
 public:
  static constexpr std::size_t kSize = 32;

  // Standard or URL-safe base64 (padding optional) of exactly 32 bytes; nullopt otherwise.
  static std::optional<MasterKey> fromBase64(std::string_view text);
  // Dev mode only: a fixed key derived from a public constant, so local data survives restarts.
  // It protects nothing; callers must warn loudly.
  static MasterKey developmentKey();

  MasterKey(MasterKey&& other) noexcept;
  MasterKey& operator=(MasterKey&&) = delete;
  MasterKey(const MasterKey&) = delete;
  ~MasterKey();

  // nonce || crypto_secretbox_easy(plain) -- authenticated encryption (XSalsa20-Poly1305).
  Bytes seal(const Bytes& plain, RandomSource& random) const;
  // nullopt when `sealed` was not sealed by this key or was altered.
  std::optional<Bytes> open(const Bytes& sealed) const;
  // The same as text, as every table stores it: base64url (no padding) of seal()'s output.
  std::string sealToText(const Bytes& plain, RandomSource& random) const;
  // nullopt for text that is not base64url or does not open with this key.
  std::optional<Bytes> openText(std::string_view sealed) const;
  // Key material: sealed straight from, and opened straight into, guarded memory, so no plain
  // copy of it exists outside SecretBytes. openSecret answers null where openText answers
  // nullopt.
  std::string sealSecretToText(const SecretBytes& plain, RandomSource& random) const;
  Secret openSecret(std::string_view sealed) const;
  // A 32-byte subkey for `context` (exactly 8 characters) and `id` (crypto_kdf).
  Secret derive(const char context[8], std::uint64_t id) const;

 private:
  explicit MasterKey(const unsigned char* key);
  unsigned char* key_;
};

// The Sealer port over a master key: what other features' adapters (the mail outbox) are
// given instead of the key itself.
class MasterKeySealer final : public application::Sealer {
 public:
  MasterKeySealer(const MasterKey& key, RandomSource& random) : key_(key), random_(random) {}
  std::string seal(const Bytes& plain) const override { return key_.sealToText(plain, random_); }
  std::optional<Bytes> open(std::string_view sealed) const override {
    return key_.openText(sealed);
  }
  std::string sealSecret(const SecretBytes& plain) const override {
    return key_.sealSecretToText(plain, random_);
  }
  Secret openSecret(std::string_view sealed) const override { return key_.openSecret(sealed); }

 private:
  const MasterKey& key_;
  RandomSource& random_;
};

}  // namespace authd::keys::infrastructure
