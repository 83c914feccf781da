#pragma once

#include "features/auth/application/ports/one_time_codes.hpp"

namespace authd::auth::infrastructure {

// HOTP with HMAC-SHA1 from OpenSSL's libcrypto: RFC 6238's authenticator apps all use SHA-1,
// which libsodium does not offer (it has HMAC-SHA-256/512 only), and libcrypto is Debian's
// common, audited implementation (libcurl already links it).
class OpenSslOneTimeCodes final : public application::OneTimeCodes {
 public:
  std::string codeAt(const SecretBytes& secret, std::int64_t counter, int digits) const override;
};

}  // namespace authd::auth::infrastructure
