#include "features/users/application/use_cases/grant_role.hpp"

#include "fakes/fakes.hpp"
#include "matchers.hpp"
#include "mocks/mock_ports.hpp"

namespace authd::testing {
namespace {

using ::testing::_;
using ::testing::NiceMock;
using ::testing::Return;

class GrantRoleTest : public ::testing::Test {
 protected:
  GrantRoleTest() {
    ON_CALL(uow_, begin).WillByDefault([this] {
      auto tx = std::make_unique<NiceMock<MockTransaction>>();
      ON_CALL(*tx, commit).WillByDefault([this] { ++commits_; });
      return tx;
    });
  }
  users::domain::User alice() {
    return users::domain::User::create(
        Uuid::v7(clock_.now(), random_), *users::domain::Email::parse("alice@example.com"),
        *users::domain::Username::parse("alice"), std::nullopt, "h", clock_.now());
  }
  NiceMock<MockUnitOfWork> uow_;
  NiceMock<MockUserRepository> users_;
  FakeClock clock_;
  FakeRandomSource random_;
  NiceMock<MockAuditLog> audit_log_;
  users::application::AuditTrail audit_{audit_log_, clock_, random_};
  int commits_ = 0;
  users::application::GrantRole grant_{uow_, users_, audit_, clock_};
};

TEST_F(GrantRoleTest, AddsTheRoleAndCommits) {
  EXPECT_CALL(users_, findByEmail("alice@example.com")).WillOnce(Return(alice()));
  EXPECT_CALL(users_, update(_)).WillOnce([](users::domain::User& u) -> Status {
    EXPECT_EQ(u.roles(), (std::set<std::string>{"admin", "user"}));
    return ok();
  });
  EXPECT_CALL(audit_log_,
              record(::testing::Field(&users::application::AuditEvent::type,
                                      users::application::AuditEventType::RoleGranted)));
  auto r = grant_.execute({"Alice@Example.com", "admin"});
  ASSERT_THAT(r, IsOk());
  EXPECT_TRUE(r->changed);
  EXPECT_EQ(commits_, 1);
}

TEST_F(GrantRoleTest, ALostRaceRetriesByIdUnderARowLockNotByEmail) {
  const auto user = alice();
  EXPECT_CALL(users_, findByEmail(_)).Times(1).WillOnce(Return(user));
  EXPECT_CALL(users_, findByIdForUpdate(user.id())).Times(1).WillOnce(Return(user));
  EXPECT_CALL(users_, update(_))
      .WillOnce(Return(Status(fail(ErrorCode::Conflict))))
      .WillOnce(Return(ok()));
  // One event per attempt, each in its own transaction: only the committed one remains.
  EXPECT_CALL(audit_log_, record(_)).Times(2);
  auto r = grant_.execute({"alice@example.com", "admin"});
  ASSERT_THAT(r, IsOk());
  EXPECT_TRUE(r->changed);
  EXPECT_EQ(commits_, 1);
}

TEST_F(GrantRoleTest, HavingTheRoleAlreadyWritesNothing) {
  EXPECT_CALL(users_, findByEmail(_)).WillOnce(Return(alice()));
  EXPECT_CALL(users_, update(_)).Times(0);
  auto r = grant_.execute({"alice@example.com", "user"});
  ASSERT_THAT(r, IsOk());
  EXPECT_FALSE(r->changed);
}

TEST_F(GrantRoleTest, UnknownAccountOrRoleIsNotFound) {
  EXPECT_CALL(users_, findByEmail(_)).WillOnce(Return(std::nullopt)).WillOnce(Return(alice()));
  EXPECT_THAT(grant_.execute({"nobody@example.com", "admin"}), HasError(ErrorCode::NotFound));
  EXPECT_CALL(users_, update(_)).WillOnce(Return(Status(fail(ErrorCode::NotFound))));
  EXPECT_THAT(grant_.execute({"alice@example.com", "wizard"}), HasError(ErrorCode::NotFound));
  EXPECT_EQ(commits_, 0);
}

TEST_F(GrantRoleTest, MalformedRoleIsAValidationError) {
  EXPECT_CALL(users_, findByEmail(_)).Times(0);
  EXPECT_THAT(grant_.execute({"alice@example.com", "Not A Role"}),
              HasError(ErrorCode::ValidationFailed));
}

}  // namespace
}  // namespace authd::testing
