#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <odb/pgsql/exceptions.hxx>

#include "fakes/fakes.hpp"
#include "features/users/infrastructure/persistence/odb_user_repository.hpp"
#include "matchers.hpp"
#include "shared/infrastructure/odb_unit_of_work.hpp"
#include "test_database.hpp"

namespace authd::testing {
namespace {

namespace ud = users::domain;
using std::chrono::microseconds;
using std::chrono::seconds;

class UserRepositoryTest : public ::testing::Test {
 protected:
  ud::User newUser(const std::string& email, const std::string& username) {
    return ud::User::create(Uuid::v7(clock_.now(), random_), *ud::Email::parse(email),
                            *ud::Username::parse(username), std::nullopt, "$argon2id$hash",
                            clock_.now());
  }
  Status add(ud::User& u) {
    auto tx = uow_.begin();
    auto s = repo_.add(u);
    if (s) tx->commit();
    return s;
  }
  std::optional<ud::User> byId(const Uuid& id) {
    auto tx = uow_.begin();
    return repo_.findById(id);
  }

  TestDatabase database_;
  OdbUnitOfWork uow_{database_.db()};
  users::infrastructure::OdbUserRepository repo_{database_.db()};
  FakeClock clock_{fromMicros(1'790'000'000'123'457)};  // odd microseconds on purpose
  FakeRandomSource random_;
  ud::SessionPolicy policy_;
};

TEST_F(UserRepositoryTest, RoundTripsEveryField) {
  auto user =
      ud::User::create(Uuid::v7(clock_.now(), random_), *ud::Email::parse("a@example.com"),
                       *ud::Username::parse("alice"), std::string("Ada \"L\" \xC3\xA9"),
                       "$argon2id$v=19$m=65536,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2g", clock_.now());
  user.openSession(ud::Session::open(Uuid::v7(clock_.now(), random_), Bytes(32, 0xEE),
                                     clock_.now() + microseconds(1), policy_, "agent/1", "::1"),
                   clock_.now(), policy_);
  user.openSession(ud::Session::open(Uuid::v7(clock_.now(), random_), Bytes(32, 0x11),
                                     clock_.now() + microseconds(999999), policy_, "", "10.0.0.2"),
                   clock_.now(), policy_);
  ASSERT_THAT(add(user), IsOk());
  EXPECT_EQ(user.version(), 1u);

  auto back = byId(user.id());
  ASSERT_TRUE(back.has_value());
  const auto& a = user.state();
  const auto& b = back->state();
  EXPECT_EQ(b.id, a.id);
  EXPECT_EQ(b.email, a.email);
  EXPECT_EQ(b.username, a.username);
  EXPECT_EQ(b.display_name, a.display_name);
  EXPECT_EQ(b.password_hash, a.password_hash);
  EXPECT_EQ(b.email_verified, a.email_verified);
  EXPECT_EQ(b.roles, a.roles);
  EXPECT_EQ(toMicros(b.created_at), toMicros(a.created_at));
  EXPECT_EQ(toMicros(b.updated_at), toMicros(a.updated_at));
  EXPECT_FALSE(b.deleted_at.has_value());
  EXPECT_EQ(b.version, 1u);
  ASSERT_EQ(b.sessions.size(), 2u);
  for (std::size_t i = 0; i < 2; ++i) {
    const auto& sa = a.sessions[i].state();
    const auto& sb = b.sessions[i].state();
    EXPECT_EQ(sb.id, sa.id);
    EXPECT_EQ(sb.generation, sa.generation);
    EXPECT_EQ(sb.token_digest, sa.token_digest);
    EXPECT_EQ(toMicros(sb.created_at), toMicros(sa.created_at));
    EXPECT_EQ(toMicros(sb.last_used_at), toMicros(sa.last_used_at));
    EXPECT_EQ(toMicros(sb.expires_at), toMicros(sa.expires_at));
    EXPECT_EQ(sb.user_agent, sa.user_agent);
    EXPECT_EQ(sb.ip, sa.ip);
  }
}

TEST_F(UserRepositoryTest, StoresUuidJsonbAndTimestamptzNatively) {
  auto user = newUser("b@example.com", "bob");
  user.openSession(ud::Session::open(Uuid::v7(clock_.now(), random_), Bytes(32, 1), clock_.now(),
                                     policy_, "", ""),
                   clock_.now(), policy_);
  ASSERT_THAT(add(user), IsOk());
  // The server sees real types: a UUID equal to the text, a JSON array, exact microseconds.
  EXPECT_EQ(database_.exec("SELECT 1 FROM users WHERE id = '" + user.id().toString() +
                           "'::uuid AND jsonb_typeof(sessions) = 'array' AND "
                           "jsonb_array_length(sessions) = 1 AND created_at = "
                           "'2026-09-21T14:13:20.123457Z'::timestamptz"),
            1u);
}

TEST_F(UserRepositoryTest, EmailAndUsernameAreUniqueIgnoringCase) {
  auto first = newUser("Same@Example.com", "Someone");
  ASSERT_THAT(add(first), IsOk());
  {
    auto tx = uow_.begin();
    EXPECT_TRUE(repo_.emailExists("same@example.com"));
    EXPECT_TRUE(repo_.usernameExists("someone"));
    EXPECT_FALSE(repo_.emailExists("other@example.com"));
  }
  auto same_email = newUser("SAME@example.COM", "another");
  EXPECT_THAT(add(same_email), HasError(ErrorCode::Conflict));
  auto same_name = newUser("x@example.com", "SOMEONE");
  EXPECT_THAT(add(same_name), HasError(ErrorCode::Conflict));
  // Even SQL that bypasses the domain cannot store a differently cased duplicate.
  EXPECT_THROW(database_.exec("INSERT INTO users (id, email, username, password_hash, created_at, "
                              "updated_at, version) VALUES (gen_random_uuid(), 'SAME@example.com', "
                              "'zed', 'h', now(), now(), 1)"),
               odb::pgsql::database_exception);
}

TEST_F(UserRepositoryTest, CountsLiveAccountsPerPasswordHashSetting) {
  const auto with_hash = [&](const std::string& name, const std::string& hash) {
    auto u =
        ud::User::create(Uuid::v7(clock_.now(), random_), *ud::Email::parse(name + "@example.com"),
                         *ud::Username::parse(name), std::nullopt, hash, clock_.now());
    EXPECT_THAT(add(u), IsOk());
    return u;
  };
  with_hash("old1", "$argon2id$v=19$m=65536,t=2,p=1$c2FsdA$aGFzaA");
  with_hash("old2", "$argon2id$v=19$m=65536,t=2,p=1$c2FsdB$aGFzaB");
  with_hash("new1", "$argon2id$v=19$m=131072,t=3,p=1$c2FsdC$aGFzaC");
  with_hash("odd1", "$2b$10$not-argon2id");
  auto gone = with_hash("gone", "$argon2id$v=19$m=131072,t=3,p=1$c2FsdD$aGFzaD");
  database_.exec("UPDATE users SET deleted_at = now() WHERE id = '" + gone.id().toString() + "'");
  const auto settings = repo_.passwordHashSettings();
  ASSERT_EQ(settings.size(), 2u);
  EXPECT_EQ(settings[0],
            std::make_pair(std::string("$argon2id$v=19$m=65536,t=2,p=1"), std::size_t{2}));
  EXPECT_EQ(settings[1],
            std::make_pair(std::string("$argon2id$v=19$m=131072,t=3,p=1"), std::size_t{1}));
}

TEST_F(UserRepositoryTest, FindsByEmailAndUsernameAndSkipsSoftDeleted) {
  auto user = newUser("c@example.com", "carol");
  ASSERT_THAT(add(user), IsOk());
  {
    auto tx = uow_.begin();
    EXPECT_TRUE(repo_.findByEmail("c@example.com").has_value());
    EXPECT_TRUE(repo_.findByUsername("carol").has_value());
  }
  database_.exec("UPDATE users SET deleted_at = now() WHERE id = '" + user.id().toString() + "'");
  auto tx = uow_.begin();
  EXPECT_FALSE(repo_.findById(user.id()).has_value());
  EXPECT_FALSE(repo_.findByEmail("c@example.com").has_value());
  EXPECT_FALSE(repo_.findByUsername("carol").has_value());
  // ...but its email and username stay reserved.
  EXPECT_TRUE(repo_.emailExists("c@example.com"));
  EXPECT_TRUE(repo_.usernameExists("carol"));
}

TEST_F(UserRepositoryTest, StaleVersionIsRejectedAndNothingIsLost) {
  auto user = newUser("d@example.com", "dave");
  ASSERT_THAT(add(user), IsOk());
  auto copy_a = *byId(user.id());
  auto copy_b = *byId(user.id());
  copy_a.openSession(ud::Session::open(Uuid::v7(clock_.now(), random_), Bytes(32, 1), clock_.now(),
                                       policy_, "a", ""),
                     clock_.now(), policy_);
  {
    auto tx = uow_.begin();
    ASSERT_THAT(repo_.update(copy_a), IsOk());
    tx->commit();
  }
  EXPECT_EQ(copy_a.version(), 2u);
  copy_b.grantRole("admin", clock_.now());
  {
    auto tx = uow_.begin();
    EXPECT_THAT(repo_.update(copy_b), HasError(ErrorCode::Conflict));
  }
  const auto stored = *byId(user.id());
  EXPECT_EQ(stored.sessions().size(), 1u);
  EXPECT_EQ(stored.roles(), std::set<std::string>{"user"});
}

TEST_F(UserRepositoryTest, UnknownRoleIsNotFoundAndRolledBack) {
  auto user = newUser("e@example.com", "erin");
  ASSERT_THAT(add(user), IsOk());
  user.grantRole("wizard", clock_.now());
  {
    auto tx = uow_.begin();
    EXPECT_THAT(repo_.update(user), HasError(ErrorCode::NotFound));
  }
  EXPECT_EQ(byId(user.id())->roles(), std::set<std::string>{"user"});
}

TEST_F(UserRepositoryTest, NothingIsWrittenWithoutCommit) {
  auto user = newUser("f@example.com", "frank");
  {
    auto tx = uow_.begin();
    ASSERT_THAT(repo_.add(user), IsOk());
  }  // rolled back
  EXPECT_FALSE(byId(user.id()).has_value());
}

}  // namespace
}  // namespace authd::testing

namespace authd::testing {
namespace {

TEST_F(UserRepositoryTest, OrdinaryUpdatesLeaveUserRolesAloneAndRoleChangesKeepBothInStep) {
  auto user = newUser("g@example.com", "gina");
  ASSERT_THAT(add(user), IsOk());
  const std::string id = user.id().toString();
  // xmin is PostgreSQL's row version: it changes whenever a row is rewritten.
  database_.exec(
      "CREATE TABLE snap AS SELECT role, xmin::text AS x FROM user_roles WHERE user_id = '" + id +
      "'");
  auto loaded = *byId(user.id());
  loaded.openSession(ud::Session::open(Uuid::v7(clock_.now(), random_), Bytes(32, 3), clock_.now(),
                                       policy_, "", ""),
                     clock_.now(), policy_);
  {
    auto tx = uow_.begin();
    ASSERT_THAT(repo_.update(loaded), IsOk());
    tx->commit();
  }
  EXPECT_EQ(database_.exec(
                "SELECT 1 FROM user_roles u JOIN snap s ON u.role = s.role AND u.xmin::text = s.x "
                "WHERE u.user_id = '" +
                id + "'"),
            1u);
  EXPECT_EQ(database_.exec("SELECT 1 FROM users WHERE id = '" + id +
                           "' AND role_names = '[\"user\"]'::jsonb"),
            1u);
  loaded = *byId(user.id());
  loaded.grantRole("admin", clock_.now());
  {
    auto tx = uow_.begin();
    ASSERT_THAT(repo_.update(loaded), IsOk());
    tx->commit();
  }
  EXPECT_EQ(database_.exec("SELECT 1 FROM user_roles WHERE user_id = '" + id + "'"), 2u);
  EXPECT_EQ(database_.exec("SELECT 1 FROM users WHERE id = '" + id +
                           "' AND role_names = '[\"admin\", \"user\"]'::jsonb"),
            1u);
  EXPECT_EQ(byId(user.id())->roles(), (std::set<std::string>{"admin", "user"}));
}

}  // namespace
}  // namespace authd::testing
