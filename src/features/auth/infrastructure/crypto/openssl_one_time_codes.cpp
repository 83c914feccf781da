#include "features/auth/infrastructure/crypto/openssl_one_time_codes.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sodium.h>

#include <stdexcept>

namespace authd::auth::infrastructure {

std::string OpenSslOneTimeCodes::codeAt(const SecretBytes& secret, std::int64_t counter,
                                        int digits) const {
  if (digits < 6 || digits > 9) throw std::invalid_argument("HOTP codes have 6 to 9 digits");
  unsigned char message[8];
  auto c = static_cast<std::uint64_t>(counter);
  for (int i = 7; i >= 0; --i) {  // the counter, big-endian (RFC 4226 section 5.2)
    message[i] = static_cast<unsigned char>(c & 0xff);
    c >>= 8;
  }
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_size = 0;
  if (HMAC(EVP_sha1(), secret.data(), static_cast<int>(secret.size()), message, sizeof message, mac,
           &mac_size) == nullptr ||
      mac_size != 20) {
    throw std::runtime_error("HMAC-SHA1 failed");
  }
  // Dynamic truncation (RFC 4226 section 5.3).
  const int offset = mac[19] & 0x0f;
  const std::uint32_t binary = (static_cast<std::uint32_t>(mac[offset] & 0x7f) << 24) |
                               (static_cast<std::uint32_t>(mac[offset + 1]) << 16) |
                               (static_cast<std::uint32_t>(mac[offset + 2]) << 8) |
                               static_cast<std::uint32_t>(mac[offset + 3]);
  sodium_memzero(mac, sizeof mac);
  std::uint32_t modulus = 1;
  for (int i = 0; i < digits; ++i) modulus *= 10;
  std::string code = std::to_string(binary % modulus);
  return std::string(static_cast<std::size_t>(digits) - code.size(), '0') + code;
}

}  // namespace authd::auth::infrastructure
