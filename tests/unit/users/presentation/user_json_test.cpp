// userJson: the contract's User object.

#include "features/users/presentation/http/user_json.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "fakes/fakes.hpp"
#include "samples.hpp"

namespace authd {
namespace {

using testing::FakeClock;
using testing::FakeRandomSource;
using testing::sampleUser;
namespace ud = users::domain;

TEST(UserJsonTest, HasExactlyTheContractFields) {
  FakeClock clock;
  FakeRandomSource random;
  const auto j = users::presentation::userJson(sampleUser(clock, random));
  std::vector<std::string> keys;
  for (auto it = j.begin(); it != j.end(); ++it) keys.push_back(it.key());
  EXPECT_THAT(keys, ::testing::UnorderedElementsAre("id", "email", "username", "display_name",
                                                    "email_verified", "mfa_enabled", "roles",
                                                    "created_at", "updated_at"));
  EXPECT_EQ(j.at("roles"), nlohmann::json::array({"admin", "user"}));
  EXPECT_EQ(j.at("created_at").get<std::string>().back(), 'Z');
}

}  // namespace
}  // namespace authd
