#include "features/keys/infrastructure/crypto/master_key.hpp"

#include <sodium.h>

#include <stdexcept>
#include <string>

#include "shared/core/encoding.hpp"

namespace authd::keys::infrastructure {

MasterKey::MasterKey(const unsigned char* key) {
  key_ = static_cast<unsigned char*>(sodium_malloc(kSize));
  if (key_ == nullptr) throw std::bad_alloc();
  std::copy(key, key + kSize, key_);
}

MasterKey::MasterKey(MasterKey&& other) noexcept : key_(other.key_) { other.key_ = nullptr; }

MasterKey::~MasterKey() {
  if (key_ != nullptr) sodium_free(key_);  // zeroes the memory before releasing it
}

std::optional<MasterKey> MasterKey::fromBase64(std::string_view text) {
  if (sodium_init() < 0) throw std::runtime_error("libsodium could not be initialised");
  unsigned char buf[kSize + 8];
  size_t len = 0;
  for (int variant : {sodium_base64_VARIANT_ORIGINAL, sodium_base64_VARIANT_ORIGINAL_NO_PADDING,
                      sodium_base64_VARIANT_URLSAFE, sodium_base64_VARIANT_URLSAFE_NO_PADDING}) {
    if (sodium_base642bin(buf, sizeof buf, text.data(), text.size(), nullptr, &len, nullptr,
                          variant) == 0 &&
        len == kSize) {
      MasterKey key(buf);
      sodium_memzero(buf, sizeof buf);
      return key;
    }
  }
  sodium_memzero(buf, sizeof buf);
  return std::nullopt;
}

MasterKey MasterKey::developmentKey() {
  if (sodium_init() < 0) throw std::runtime_error("libsodium could not be initialised");
  static constexpr char kSeed[] = "authd development master key - never use in production";
  unsigned char buf[kSize];
  crypto_generichash(buf, sizeof buf, reinterpret_cast<const unsigned char*>(kSeed),
                     sizeof kSeed - 1, nullptr, 0);
  return MasterKey(buf);
}

Bytes MasterKey::seal(const Bytes& plain, RandomSource& random) const {
  Bytes nonce = random.bytes(crypto_secretbox_NONCEBYTES);
  Bytes out(nonce.size() + crypto_secretbox_MACBYTES + plain.size());
  std::copy(nonce.begin(), nonce.end(), out.begin());
  crypto_secretbox_easy(out.data() + nonce.size(), plain.data(), plain.size(), nonce.data(), key_);
  return out;
}

std::string MasterKey::sealToText(const Bytes& plain, RandomSource& random) const {
  return base64UrlEncode(seal(plain, random));
}

std::optional<Bytes> MasterKey::openText(std::string_view sealed) const {
  const auto bytes = base64UrlDecode(sealed);
  if (!bytes) return std::nullopt;
  return open(*bytes);
}

std::optional<Bytes> MasterKey::open(const Bytes& sealed) const {
  if (sealed.size() < crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES) return std::nullopt;
  Bytes plain(sealed.size() - crypto_secretbox_NONCEBYTES - crypto_secretbox_MACBYTES);
  if (crypto_secretbox_open_easy(plain.data(), sealed.data() + crypto_secretbox_NONCEBYTES,
                                 sealed.size() - crypto_secretbox_NONCEBYTES, sealed.data(),
                                 key_) != 0) {
    return std::nullopt;
  }
  return plain;
}

Secret MasterKey::derive(const char context[8], std::uint64_t id) const {
  return makeSecret(
      32, [&](unsigned char* out) { crypto_kdf_derive_from_key(out, 32, id, context, key_); });
}

std::string MasterKey::sealSecretToText(const SecretBytes& plain, RandomSource& random) const {
  Bytes nonce = random.bytes(crypto_secretbox_NONCEBYTES);
  Bytes out(nonce.size() + crypto_secretbox_MACBYTES + plain.size());
  std::copy(nonce.begin(), nonce.end(), out.begin());
  crypto_secretbox_easy(out.data() + nonce.size(), plain.data(), plain.size(), nonce.data(), key_);
  return base64UrlEncode(out);
}

Secret MasterKey::openSecret(std::string_view sealed_text) const {
  const auto sealed = base64UrlDecode(sealed_text);
  if (!sealed || sealed->size() < crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES) {
    return nullptr;
  }
  // Decrypted straight into guarded memory; when the MAC does not verify, nothing was written
  // and the buffer is dropped (and wiped) here.
  const unsigned char* nonce = sealed->data();
  const unsigned char* boxed = sealed->data() + crypto_secretbox_NONCEBYTES;
  const std::size_t boxed_size = sealed->size() - crypto_secretbox_NONCEBYTES;
  bool opened = false;
  Secret out = makeSecret(boxed_size - crypto_secretbox_MACBYTES, [&](unsigned char* plain) {
    opened = crypto_secretbox_open_easy(plain, boxed, boxed_size, nonce, key_) == 0;
  });
  return opened ? out : nullptr;
}

}  // namespace authd::keys::infrastructure
