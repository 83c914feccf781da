// UserRecordMapper: domain User <-> ODB UserRecord, sessions as JSONB.

#include "features/users/infrastructure/persistence/user_record_mapper.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "fakes/fakes.hpp"
#include "features/users/infrastructure/persistence/sessions_json.hpp"
#include "samples.hpp"
#include "shared/core/encoding.hpp"

namespace authd {
namespace {

using testing::FakeClock;
using testing::FakeRandomSource;
using testing::sampleUser;
namespace ud = users::domain;

TEST(UserRecordMapperTest, RoundTripsEveryField) {
  FakeClock clock;
  FakeRandomSource random;
  auto user = sampleUser(clock, random);
  user.setVersion(7);
  const auto back = users::infrastructure::toDomain(users::infrastructure::toRecord(user));
  const auto& a = user.state();
  const auto& b = back.state();
  EXPECT_EQ(b.id, a.id);
  EXPECT_EQ(b.email, a.email);
  EXPECT_EQ(b.username, a.username);
  EXPECT_EQ(b.display_name, a.display_name);
  EXPECT_EQ(b.password_hash, a.password_hash);
  EXPECT_EQ(b.roles, a.roles);
  EXPECT_EQ(b.created_at, a.created_at);
  EXPECT_EQ(b.version, 7u);
  ASSERT_EQ(b.sessions.size(), 1u);
  testing::expectSameSession(a.sessions[0], b.sessions[0]);
}

TEST(UserRecordMapperTest, SessionsJsonHoldsDigestsNeverSecrets) {
  FakeClock clock;
  FakeRandomSource random;
  const auto json = nlohmann::json::parse(
      users::infrastructure::writeSessionsJson(sampleUser(clock, random).sessions()));
  ASSERT_TRUE(json.is_array());
  EXPECT_EQ(json[0].at("digest"), base64UrlEncode(Bytes(32, 7)));
  EXPECT_FALSE(json[0].contains("secret"));
  EXPECT_FALSE(json[0].contains("token"));
}

TEST(UserRecordMapperTest, InvalidUtf8UserAgentIsStoredNotThrown) {
  ud::SessionPolicy policy;
  std::vector<ud::Session> sessions{
      ud::Session::open(Uuid(), Bytes(32, 1), fromMicros(0), policy, "bad \xFF agent", "")};
  const auto back =
      users::infrastructure::readSessionsJson(users::infrastructure::writeSessionsJson(sessions));
  ASSERT_EQ(back.size(), 1u);
  EXPECT_NE(back[0].state().user_agent.find("agent"), std::string::npos);
}

TEST(UserRecordMapperTest, CorruptSessionsJsonThrows) {
  EXPECT_THROW(users::infrastructure::readSessionsJson("[{\"id\": 5}]"), std::runtime_error);
  EXPECT_THROW(users::infrastructure::readSessionsJson("not json"), std::runtime_error);
}

}  // namespace
}  // namespace authd
