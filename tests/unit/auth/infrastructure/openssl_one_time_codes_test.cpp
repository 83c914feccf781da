// HOTP/TOTP codes against the RFC 6238 appendix B test vectors (SHA-1 rows) and RFC 4226
// appendix D.
#include "features/auth/infrastructure/crypto/openssl_one_time_codes.hpp"

#include <gtest/gtest.h>

#include "features/auth/domain/totp.hpp"

namespace authd {
namespace {

const Secret& rfcSeed() {  // "12345678901234567890", the RFCs' SHA-1 key
  static const Secret seed = secretFrom(Bytes{'1', '2', '3', '4', '5', '6', '7', '8', '9', '0',
                                              '1', '2', '3', '4', '5', '6', '7', '8', '9', '0'});
  return seed;
}

TEST(OpenSslOneTimeCodesTest, MatchesRfc6238Sha1TestVectors) {
  auth::infrastructure::OpenSslOneTimeCodes codes;
  const std::pair<std::int64_t, const char*> vectors[] = {
      {59, "94287082"},         {1111111109, "07081804"}, {1111111111, "14050471"},
      {1234567890, "89005924"}, {2000000000, "69279037"}, {20000000000, "65353130"}};
  for (const auto& [unix_seconds, expected] : vectors) {
    const auto step = auth::domain::totpStepAt(Timestamp{} + std::chrono::seconds(unix_seconds));
    EXPECT_EQ(codes.codeAt(*rfcSeed(), step, 8), expected) << unix_seconds;
  }
}

TEST(OpenSslOneTimeCodesTest, MatchesRfc4226HotpValuesWithSixDigits) {
  auth::infrastructure::OpenSslOneTimeCodes codes;
  const char* expected[] = {"755224", "287082", "359152", "969429", "338314",
                            "254676", "287922", "162583", "399871", "520489"};
  for (int counter = 0; counter < 10; ++counter) {
    EXPECT_EQ(codes.codeAt(*rfcSeed(), counter, 6), expected[counter]) << counter;
  }
}

}  // namespace
}  // namespace authd
