// TOTP rules (RFC 6238): the step window and the per-user replay rule, with a fake code
// function so that only the rules are under test.
#include "features/auth/domain/totp.hpp"

#include <gtest/gtest.h>

#include <set>

namespace authd::auth::domain {
namespace {

using std::chrono::seconds;

Timestamp at(std::int64_t unix_seconds) { return Timestamp{} + seconds(unix_seconds); }

// Step n's code is n written as six digits: easy to reason about, wrong codes easy to make.
std::string fakeCode(std::int64_t step) {
  std::string s = std::to_string(step % 1000000);
  return std::string(6 - s.size(), '0') + s;
}

bool plainEqual(std::string_view a, std::string_view b) { return a == b; }

TEST(TotpTest, StepsAreThirtySecondsSinceTheEpoch) {
  EXPECT_EQ(totpStepAt(at(0)), 0);
  EXPECT_EQ(totpStepAt(at(29)), 0);
  EXPECT_EQ(totpStepAt(at(30)), 1);
  EXPECT_EQ(totpStepAt(at(59)), 1);  // RFC 6238 test vector time: T = 1
  EXPECT_EQ(totpStepAt(at(1111111109)), 37037036);
}

TEST(TotpTest, AcceptsTheCurrentStepAndOneEitherSideOnly) {
  const Timestamp now = at(300 * 30 + 10);  // step 300
  for (std::int64_t step : {299, 300, 301}) {
    EXPECT_EQ(acceptedTotpStep(fakeCode(step), now, std::nullopt, fakeCode, plainEqual), step);
  }
  for (std::int64_t step : {297, 298, 302, 303}) {
    EXPECT_FALSE(acceptedTotpStep(fakeCode(step), now, std::nullopt, fakeCode, plainEqual));
  }
}

TEST(TotpTest, ACodeAtOrBeforeTheLastAcceptedStepIsAReplay) {
  const Timestamp now = at(300 * 30);
  EXPECT_FALSE(acceptedTotpStep(fakeCode(300), now, 300, fakeCode, plainEqual));
  EXPECT_FALSE(acceptedTotpStep(fakeCode(299), now, 300, fakeCode, plainEqual));
  EXPECT_EQ(acceptedTotpStep(fakeCode(301), now, 300, fakeCode, plainEqual), 301);
  EXPECT_EQ(acceptedTotpStep(fakeCode(300), now, 299, fakeCode, plainEqual), 300);
}

TEST(TotpTest, OnlySixAsciiDigitsAreACode) {
  const Timestamp now = at(300 * 30);
  for (const char* bad :
       {"", "30000", "0003000", "00030a", " 000300", "000300\n", "０００３００"}) {
    EXPECT_FALSE(isTotpCodeShape(bad)) << bad;
    EXPECT_FALSE(acceptedTotpStep(bad, now, std::nullopt, fakeCode, plainEqual)) << bad;
  }
  EXPECT_FALSE(isTotpCodeShape(std::string("000\0300", 6)));
  EXPECT_TRUE(isTotpCodeShape("000300"));
}

TEST(TotpTest, EveryStepOfTheWindowIsComparedWhateverMatches) {
  std::set<std::int64_t> computed;
  const auto counting = [&](std::int64_t step) {
    computed.insert(step);
    return fakeCode(step);
  };
  (void)acceptedTotpStep(fakeCode(299), at(300 * 30), std::nullopt, counting, plainEqual);
  EXPECT_EQ(computed, (std::set<std::int64_t>{299, 300, 301}));
}

}  // namespace
}  // namespace authd::auth::domain
