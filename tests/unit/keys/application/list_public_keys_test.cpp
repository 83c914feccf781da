#include "features/keys/application/use_cases/list_public_keys.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "mocks/mock_ports.hpp"

namespace authd {
namespace {

using ::testing::Return;

TEST(ListPublicKeysTest, PublishesEveryTrustedKeyActiveFirst) {
  testing::MockPublicKeySource source;
  const Timestamp t0{};
  EXPECT_CALL(source, publicKeys())
      .WillOnce(Return(std::vector<keys::domain::PublicSigningKey>{{"retired", "x1", false, t0},
                                                                   {"active", "x2", true, t0}}));
  const auto keys = keys::application::ListPublicKeys(source).execute();
  ASSERT_EQ(keys.size(), 2u);
  EXPECT_EQ(keys[0].kid, "active");
  EXPECT_EQ(keys[1].x, "x1");
}

}  // namespace
}  // namespace authd
