// MasterKey: secretbox sealing under AUTH_MASTER_KEY.

#include "features/keys/infrastructure/crypto/master_key.hpp"

#include <gtest/gtest.h>

#include "fakes/fakes.hpp"

namespace authd {
namespace {

using testing::FakeClock;
using testing::FakeRandomSource;

TEST(MasterKeyTest, SealsAndOpensAndDetectsTampering) {
  FakeRandomSource random;
  auto key =
      keys::infrastructure::MasterKey::fromBase64("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=");
  ASSERT_TRUE(key.has_value());
  const Bytes secret{1, 2, 3, 4};
  auto sealed = key->seal(secret, random);
  EXPECT_EQ(key->open(sealed), secret);
  sealed.back() ^= 1;
  EXPECT_FALSE(key->open(sealed).has_value());
  auto other = keys::infrastructure::MasterKey::developmentKey();
  EXPECT_FALSE(other.open(key->seal(secret, random)).has_value());
}

TEST(MasterKeyTest, AcceptsOnlyThirtyTwoBytes) {
  EXPECT_FALSE(keys::infrastructure::MasterKey::fromBase64("AAEC").has_value());
  EXPECT_FALSE(keys::infrastructure::MasterKey::fromBase64("not base64 at all!").has_value());
  EXPECT_TRUE(
      keys::infrastructure::MasterKey::fromBase64("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8")
          .has_value());
}

}  // namespace
}  // namespace authd
