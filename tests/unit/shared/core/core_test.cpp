#include <gtest/gtest.h>

#include "fakes/fakes.hpp"
#include "shared/core/encoding.hpp"
#include "shared/core/time.hpp"
#include "shared/core/token_bucket.hpp"
#include "shared/core/uuid.hpp"

namespace authd {
namespace {

TEST(Base64UrlTest, MatchesRfc4648Vectors) {
  // RFC 4648 section 10 vectors, without padding, in the URL-safe alphabet.
  EXPECT_EQ(base64UrlEncode(std::string_view("")), "");
  EXPECT_EQ(base64UrlEncode(std::string_view("f")), "Zg");
  EXPECT_EQ(base64UrlEncode(std::string_view("fo")), "Zm8");
  EXPECT_EQ(base64UrlEncode(std::string_view("foo")), "Zm9v");
  EXPECT_EQ(base64UrlEncode(std::string_view("foobar")), "Zm9vYmFy");
  EXPECT_EQ(base64UrlEncode(Bytes{0xfb, 0xff}), "-_8");
}

TEST(Base64UrlTest, RoundTripsEveryLength) {
  for (std::size_t n = 0; n < 70; ++n) {
    Bytes b(n);
    for (std::size_t i = 0; i < n; ++i) b[i] = static_cast<std::uint8_t>(i * 37 + n);
    auto decoded = base64UrlDecode(base64UrlEncode(b));
    ASSERT_TRUE(decoded.has_value()) << n;
    EXPECT_EQ(*decoded, b);
  }
}

TEST(Base64UrlTest, RejectsPaddingForeignCharactersAndNonCanonicalBits) {
  EXPECT_FALSE(base64UrlDecode("Zg==").has_value());
  EXPECT_FALSE(base64UrlDecode("Zm+v").has_value());
  EXPECT_FALSE(base64UrlDecode("Z").has_value());
  EXPECT_FALSE(base64UrlDecode("Zh").has_value());  // "Zg" with a stray low bit
}

TEST(ConstantTimeEqualTest, ComparesContentAndLength) {
  EXPECT_TRUE(constantTimeEqual(Bytes{1, 2, 3}, Bytes{1, 2, 3}));
  EXPECT_FALSE(constantTimeEqual(Bytes{1, 2, 3}, Bytes{1, 2, 4}));
  EXPECT_FALSE(constantTimeEqual(Bytes{1, 2, 3}, Bytes{1, 2}));
}

TEST(Utf8LengthTest, CountsCodePointsAndRejectsMalformedText) {
  EXPECT_EQ(utf8Length("abc"), 3u);
  EXPECT_EQ(utf8Length("h\xC3\xA9llo"), 5u);             // é
  EXPECT_EQ(utf8Length("\xF0\x9F\x98\x80"), 1u);         // emoji
  EXPECT_FALSE(utf8Length("\xC3").has_value());          // truncated
  EXPECT_FALSE(utf8Length("\xC0\xAF").has_value());      // overlong '/'
  EXPECT_FALSE(utf8Length("\xED\xA0\x80").has_value());  // surrogate
}

TEST(Rfc3339Test, FormatsUtcWithZAndMicroseconds) {
  EXPECT_EQ(formatRfc3339(fromMicros(0)), "1970-01-01T00:00:00Z");
  EXPECT_EQ(formatRfc3339(fromMicros(1700000000123456)), "2023-11-14T22:13:20.123456Z");
  EXPECT_EQ(formatRfc3339(fromMicros(-1)), "1969-12-31T23:59:59.999999Z");
  // The last second written digit by digit, and the first year that needs five digits.
  EXPECT_EQ(formatRfc3339(fromMicros(253402300799000000)), "9999-12-31T23:59:59Z");
  EXPECT_EQ(formatRfc3339(fromMicros(253402300800500000)), "10000-01-01T00:00:00.500000Z");
}

TEST(Rfc3339Test, ParsesWhatItFormats) {
  for (std::int64_t us :
       {0LL, 1LL, -1LL, 1700000000123456LL, 4102444799999999LL, 951782400000000LL}) {
    auto parsed = parseRfc3339(formatRfc3339(fromMicros(us)));
    ASSERT_TRUE(parsed.has_value()) << us;
    EXPECT_EQ(toMicros(*parsed), us);
  }
  EXPECT_EQ(toMicros(*parseRfc3339("2023-11-14T22:13:20.1Z")), 1700000000100000);
}

TEST(Rfc3339Test, RejectsOffsetsAndGarbage) {
  EXPECT_FALSE(parseRfc3339("2023-11-14T22:13:20+00:00").has_value());
  EXPECT_FALSE(parseRfc3339("2023-13-14T22:13:20Z").has_value());
  EXPECT_FALSE(parseRfc3339("2023-11-14 22:13:20Z").has_value());
  EXPECT_FALSE(parseRfc3339("").has_value());
}

TEST(UuidTest, V7HasVersionVariantAndTimestamp) {
  testing::FakeRandomSource random;
  const auto t = fromMicros(1700000000123456);
  const Uuid id = Uuid::v7(t, random);
  const std::string s = id.toString();
  ASSERT_EQ(s.size(), 36u);
  EXPECT_EQ(s[14], '7');
  EXPECT_TRUE(s[19] == '8' || s[19] == '9' || s[19] == 'a' || s[19] == 'b');
  EXPECT_EQ(s.substr(0, 13), "018bcfe5-687b");  // 1700000000123 ms
  EXPECT_NE(Uuid::v7(t, random), id);
}

TEST(UuidTest, ParsesEitherCaseAndPrintsLowercase) {
  auto id = Uuid::parse("01A20259-2E92-73AF-ACB8-BD3E2CBBFF45");
  ASSERT_TRUE(id.has_value());
  EXPECT_EQ(id->toString(), "01a20259-2e92-73af-acb8-bd3e2cbbff45");
  EXPECT_FALSE(Uuid::parse("01a20259-2e92-73af-acb8-bd3e2cbbff4").has_value());
  EXPECT_FALSE(Uuid::parse("01a20259x2e92-73af-acb8-bd3e2cbbff45").has_value());
  EXPECT_FALSE(Uuid::parse("g1a20259-2e92-73af-acb8-bd3e2cbbff45").has_value());
}

}  // namespace
}  // namespace authd

namespace authd {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

TEST(TokenBucketLimiterTest, AllowsABurstThenRefusesWithRetryAfter) {
  TokenBucketLimiter limiter(3);  // 3 a minute: one token back every 20 s
  const auto t0 = TokenBucketLimiter::Clock::time_point{} + seconds(1000);
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(limiter.take("10.0.0.1", t0).allowed);
  const auto refused = limiter.take("10.0.0.1", t0);
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.retry_after_s, 20);
  // Other addresses have buckets of their own.
  EXPECT_TRUE(limiter.take("10.0.0.2", t0).allowed);
}

TEST(TokenBucketLimiterTest, RefillsEvenlyOverAMinuteButNeverPastTheBurst) {
  TokenBucketLimiter limiter(60);  // one a second
  const auto t0 = TokenBucketLimiter::Clock::time_point{} + seconds(1000);
  for (int i = 0; i < 60; ++i) ASSERT_TRUE(limiter.take("a", t0).allowed);
  EXPECT_FALSE(limiter.take("a", t0).allowed);
  EXPECT_FALSE(limiter.take("a", t0 + milliseconds(900)).allowed);
  EXPECT_TRUE(limiter.take("a", t0 + milliseconds(1100)).allowed);
  // An hour idle refills to the burst size, not to 3,600.
  const auto later = t0 + seconds(3600);
  int allowed = 0;
  while (limiter.take("a", later).allowed) ++allowed;
  EXPECT_EQ(allowed, 60);
}

TEST(TokenBucketLimiterTest, ZeroTurnsItOff) {
  TokenBucketLimiter limiter(0);
  const auto t0 = TokenBucketLimiter::Clock::time_point{} + seconds(5);
  for (int i = 0; i < 1000; ++i) ASSERT_TRUE(limiter.take("a", t0).allowed);
}

TEST(TokenBucketLimiterTest, KeyCountStaysBoundedUnderManyAddresses) {
  TokenBucketLimiter limiter(10, 1600);  // 100 keys per shard
  const auto t0 = TokenBucketLimiter::Clock::time_point{} + seconds(5);
  for (int i = 0; i < 50000; ++i) limiter.take("addr-" + std::to_string(i), t0);
  EXPECT_LE(limiter.keyCount(), 1600u);
  // A client that is being limited is not forgotten while others come and go slowly.
  TokenBucketLimiter small(2, 1600);
  for (int i = 0; i < 2; ++i) small.take("busy", t0);
  for (int i = 0; i < 50; ++i) small.take("other-" + std::to_string(i), t0);
  EXPECT_FALSE(small.take("busy", t0).allowed);
}

}  // namespace
}  // namespace authd
