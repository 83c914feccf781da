// SecretBytes: key material in libsodium's guarded heap (issue 12, finding 7).
#include "shared/core/secret_bytes.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace authd {
namespace {

TEST(SecretBytesTest, HoldsWhatItWasFilledWithAndIsSharedNotCopied) {
  const Secret s = secretFrom(Bytes{1, 2, 3});
  ASSERT_EQ(s->size(), 3u);
  EXPECT_EQ(Bytes(s->data(), s->data() + 3), (Bytes{1, 2, 3}));
  const Secret shared = s;  // a second holder: the same allocation
  EXPECT_EQ(shared->data(), s->data());
}

TEST(SecretBytesTest, AFillThatThrowsLeavesNothingBehind) {
  EXPECT_THROW(makeSecret(32, [](unsigned char*) { throw std::runtime_error("no"); }),
               std::runtime_error);
}

// Guarded, read-only memory: a stray write into a key, or a read past its end, stops the
// process instead of changing or leaking the key. (Plain vectors allowed both.)
TEST(SecretBytesDeathTest, IsReadOnlyOnceFilledAndGuardedAtItsEnd) {
  ::testing::FLAGS_gtest_death_test_style = "threadsafe";
  const Secret s = secretFrom(Bytes(32, 7));
  EXPECT_DEATH(const_cast<unsigned char*>(s->data())[0] = 1, "");
  EXPECT_DEATH(
      {
        volatile unsigned char past = s->data()[s->size()];
        (void)past;
      },
      "");
}

}  // namespace
}  // namespace authd
