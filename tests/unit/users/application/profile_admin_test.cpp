#include "fakes/fakes.hpp"
#include "features/users/application/use_cases/admin_users.hpp"
#include "features/users/application/use_cases/update_profile.hpp"
#include "matchers.hpp"
#include "mocks/delegate_to_fakes.hpp"
#include "mocks/mock_ports.hpp"

namespace authd::testing {
namespace {

using ::testing::_;
using ::testing::NiceMock;
using ::testing::Return;
using users::application::AuditEventType;

class ProfileAdminTest : public ::testing::Test {
 protected:
  ProfileAdminTest() {
    ON_CALL(uow_, begin).WillByDefault([this] {
      auto tx = std::make_unique<NiceMock<MockTransaction>>();
      ON_CALL(*tx, commit).WillByDefault([this] { ++commits_; });
      return tx;
    });
    delegateTo(users_, fake_users_);
    delegateTo(statements_, fake_statements_);
    stored_ = users::domain::User::create(
        Uuid::v7(clock_.now(), random_), *users::domain::Email::parse("alice@example.com"),
        *users::domain::Username::parse("alice"), std::string("Alice"), "h", clock_.now());
    ON_CALL(audit_log_, record).WillByDefault([this](const users::application::AuditEvent& e) {
      events_.push_back(e.type);
    });
  }
  NiceMock<MockUnitOfWork> uow_;
  InMemoryDatabase db_;
  InMemoryUserRepository fake_users_{db_};
  NiceMock<MockUserRepository> users_;  // delegates to fake_users_
  InMemoryUserStatements fake_statements_{db_};
  NiceMock<MockUserStatements> statements_;  // delegates to fake_statements_
  NiceMock<MockAuditLog> audit_log_;
  FakeClock clock_;
  FakeRandomSource random_;
  users::application::AuditTrail audit_{audit_log_, clock_, random_};
  StoredUser stored_{fake_users_};
  std::vector<AuditEventType> events_;
  int commits_ = 0;
  users::application::UpdateProfile update_{uow_, users_, audit_, clock_};
  users::application::ChangeRole change_role_{uow_, users_, audit_, clock_};
};

TEST_F(ProfileAdminTest, UpdatesUsernameAndDisplayName) {
  EXPECT_CALL(users_, usernameExists("alice2")).WillOnce(Return(false));
  auto r = update_.execute({stored_->id(), true, std::string(" Ally "), std::string("ALICE2"), {}});
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->username(), "alice2");
  EXPECT_EQ(r->state().display_name, "Ally");
  EXPECT_EQ(events_, std::vector<AuditEventType>{AuditEventType::ProfileUpdated});
}

TEST_F(ProfileAdminTest, NullDisplayNameClearsItAndAbsentLeavesIt) {
  const auto version = stored_->version();
  ASSERT_THAT(update_.execute({stored_->id(), false, std::nullopt, std::nullopt, {}}), IsOk());
  EXPECT_EQ(stored_->state().display_name, "Alice");
  EXPECT_EQ(stored_->version(), version);  // nothing changed, nothing written
  EXPECT_TRUE(events_.empty());
  ASSERT_THAT(update_.execute({stored_->id(), true, std::nullopt, std::nullopt, {}}), IsOk());
  EXPECT_FALSE(stored_->state().display_name.has_value());
}

TEST_F(ProfileAdminTest, TakenUsernameAndBadFieldsAreRejected) {
  EXPECT_CALL(users_, usernameExists("bob")).WillOnce(Return(true));
  EXPECT_THAT(update_.execute({stored_->id(), false, std::nullopt, std::string("bob"), {}}),
              HasError(ErrorCode::UsernameTaken));
  auto bad = update_.execute({stored_->id(), true, std::string(65, 'x'), std::string("x"), {}});
  ASSERT_THAT(bad, HasError(ErrorCode::ValidationFailed));
  EXPECT_EQ(bad.error().fields.size(), 2u);
  EXPECT_EQ(stored_->username(), "alice");
}

TEST_F(ProfileAdminTest, ChangeRoleGrantsRevokesAndAudits) {
  ASSERT_THAT(change_role_.execute({stored_->id().toString(), "admin", true, {}}), IsOk());
  EXPECT_TRUE(stored_->roles().count("admin"));
  ASSERT_THAT(change_role_.execute({stored_->id().toString(), "admin", false, {}}), IsOk());
  EXPECT_FALSE(stored_->roles().count("admin"));
  EXPECT_EQ(events_, (std::vector<AuditEventType>{AuditEventType::RoleGranted,
                                                  AuditEventType::RoleRevoked}));
  ASSERT_THAT(change_role_.execute({stored_->id().toString(), "admin", false, {}}),
              IsOk());  // idempotent
  EXPECT_EQ(events_.size(), 2u);
}

TEST_F(ProfileAdminTest, ChangeRoleOnUnknownUserOrRoleIsNotFound) {
  EXPECT_THAT(change_role_.execute({"nope", "admin", true, {}}), HasError(ErrorCode::NotFound));
  EXPECT_THAT(change_role_.execute({Uuid().toString(), "admin", true, {}}),
              HasError(ErrorCode::NotFound));
  EXPECT_THAT(change_role_.execute({stored_->id().toString(), "Bad Role", true, {}}),
              HasError(ErrorCode::NotFound));
  EXPECT_CALL(users_, update).WillOnce(Return(Status(fail(ErrorCode::NotFound))));
  EXPECT_THAT(change_role_.execute({stored_->id().toString(), "wizard", true, {}}),
              HasError(ErrorCode::NotFound));
}

TEST_F(ProfileAdminTest, ListUsersValidatesAndPages) {
  users::application::ListUsers list(uow_, users_);
  EXPECT_THAT(list.execute({std::string("0"), std::nullopt, std::nullopt}),
              HasError(ErrorCode::ValidationFailed));
  EXPECT_THAT(list.execute({std::string("101"), std::nullopt, std::nullopt}),
              HasError(ErrorCode::ValidationFailed));
  EXPECT_THAT(list.execute({std::nullopt, std::string("bogus"), std::nullopt}),
              HasError(ErrorCode::ValidationFailed));
  std::vector<users::domain::User> three(3, *stored_);
  EXPECT_CALL(users_, list(_)).WillOnce([&](const users::application::UserListQuery& q) {
    EXPECT_EQ(q.limit, 3u);  // one more than asked, to see whether a next page exists
    EXPECT_EQ(q.prefix, "al");
    return three;
  });
  auto page = list.execute({std::string("2"), std::nullopt, std::string("AL")});
  ASSERT_THAT(page, IsOk());
  EXPECT_EQ(page->users.size(), 2u);
  ASSERT_TRUE(page->next_cursor.has_value());
  auto cursor = users::application::decodeCursor(*page->next_cursor);
  ASSERT_TRUE(cursor.has_value());
  EXPECT_EQ(cursor->id, stored_->id());
  EXPECT_EQ(cursor->at, stored_->state().created_at);
}

TEST_F(ProfileAdminTest, ListUsersDefaultsToTwentyAndEndsWithoutCursor) {
  users::application::ListUsers list(uow_, users_);
  EXPECT_CALL(users_, list(_)).WillOnce([&](const users::application::UserListQuery& q) {
    EXPECT_EQ(q.limit, 21u);
    return std::vector<users::domain::User>{*stored_};
  });
  auto page = list.execute({});
  ASSERT_THAT(page, IsOk());
  EXPECT_EQ(page->users.size(), 1u);
  EXPECT_FALSE(page->next_cursor.has_value());
}

TEST_F(ProfileAdminTest, GetUserFindsLiveUsersOnly) {
  users::application::GetUser get(uow_, users_);
  EXPECT_THAT(get.execute(stored_->id().toString()), IsOk());
  EXPECT_THAT(get.execute("not-a-uuid"), HasError(ErrorCode::NotFound));
  EXPECT_THAT(get.execute(Uuid().toString()), HasError(ErrorCode::NotFound));
}

TEST_F(ProfileAdminTest, GetProfileIsUnauthorizedOnceTheAccountIsGone) {
  users::application::GetProfile get(statements_);
  auto me = get.execute(stored_->id());
  ASSERT_THAT(me, IsOk());
  EXPECT_EQ(me->username, "alice");
  EXPECT_EQ(me->roles, std::set<std::string>{"user"});
  stored_->markDeleted(clock_.now());
  EXPECT_THAT(get.execute(stored_->id()), HasError(ErrorCode::Unauthorized));
}

TEST_F(ProfileAdminTest, UpdateProfileRetriesALostRace) {
  loseNextUpdate(users_, fake_users_, db_);
  auto r = update_.execute({stored_->id(), true, std::string("Al"), std::nullopt, {}});
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(stored_->state().display_name, "Al");
  EXPECT_EQ(commits_, 1);
}

TEST_F(ProfileAdminTest, ChangeRoleRetriesALostRace) {
  loseNextUpdate(users_, fake_users_, db_);
  ASSERT_THAT(change_role_.execute({stored_->id().toString(), "admin", true, {}}), IsOk());
  EXPECT_EQ(stored_->roles().count("admin"), 1u);
  EXPECT_EQ(commits_, 1);
}

}  // namespace
}  // namespace authd::testing
