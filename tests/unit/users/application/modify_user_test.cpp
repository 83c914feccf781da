// modifyUser and retryOnConflict: the one read-modify-write rule every user change uses.
#include "features/users/application/modify_user.hpp"

#include "fakes/fakes.hpp"
#include "matchers.hpp"
#include "mocks/mock_ports.hpp"

namespace authd::testing {
namespace {

using ::testing::_;
using ::testing::InSequence;
using ::testing::NiceMock;
using ::testing::Return;
using users::application::AuditEventType;
using users::application::Change;
using users::application::keep;
using users::application::modifyUser;
using users::application::write;

class ModifyUserTest : public ::testing::Test {
 protected:
  ModifyUserTest() {
    ON_CALL(uow_, begin).WillByDefault([this] {
      ++begins_;
      auto tx = std::make_unique<NiceMock<MockTransaction>>();
      ON_CALL(*tx, commit).WillByDefault([this] { ++commits_; });
      return tx;
    });
    ON_CALL(users_, findById).WillByDefault(Return(user_));
    ON_CALL(users_, findByIdForUpdate).WillByDefault(Return(user_));
  }
  NiceMock<MockUnitOfWork> uow_;
  NiceMock<MockUserRepository> users_;
  FakeClock clock_;
  FakeRandomSource random_;
  NiceMock<MockAuditLog> audit_log_;
  users::application::AuditTrail audit_{audit_log_, clock_, random_};
  users::domain::User user_ = users::domain::User::create(
      Uuid::v7(clock_.now(), random_), *users::domain::Email::parse("a@example.com"),
      *users::domain::Username::parse("alice"), std::nullopt, "h", clock_.now());
  int begins_ = 0, commits_ = 0;
};

TEST_F(ModifyUserTest, FirstAttemptIsOptimisticAndTheRetryReadsUnderALock) {
  {
    InSequence order;
    EXPECT_CALL(users_, findById(user_.id()));
    EXPECT_CALL(audit_log_, record(_));  // the event goes in right before the write
    EXPECT_CALL(users_, update(_)).WillOnce(Return(Status(fail(ErrorCode::Conflict))));
    EXPECT_CALL(users_, findByIdForUpdate(user_.id()));
    EXPECT_CALL(audit_log_, record(_));
    EXPECT_CALL(users_, update(_)).WillOnce(Return(ok()));
  }
  int runs = 0;
  auto r = modifyUser(uow_, users_, {audit_, {}}, user_.id(),
                      [&](users::domain::User&) -> Result<Change<int>> {
                        return write(AuditEventType::ProfileUpdated, ++runs);
                      });
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->value, 2);  // the body ran once per attempt, the last result is returned
  EXPECT_EQ(begins_, 2);
  EXPECT_EQ(commits_, 1);
}

TEST_F(ModifyUserTest, GivesUpWithConflictAfterTheLastAttempt) {
  EXPECT_CALL(users_, update(_)).Times(3).WillRepeatedly(Return(Status(fail(ErrorCode::Conflict))));
  auto r = modifyUser(uow_, users_, {audit_, {}}, user_.id(),
                      [](users::domain::User&) -> Result<Change<>> { return write(std::nullopt); });
  EXPECT_THAT(r, HasError(ErrorCode::Conflict));
  EXPECT_EQ(commits_, 0);
}

TEST_F(ModifyUserTest, KeepAndErrorsWriteNothingAndAMissingUserIsNotFound) {
  EXPECT_CALL(users_, update(_)).Times(0);
  EXPECT_CALL(audit_log_, record(_)).Times(0);
  EXPECT_THAT(modifyUser(uow_, users_, {audit_, {}}, user_.id(),
                         [](users::domain::User&) -> Result<Change<>> { return keep(); }),
              IsOk());
  EXPECT_THAT(modifyUser(uow_, users_, {audit_, {}}, user_.id(),
                         [](users::domain::User&) -> Result<Change<>> {
                           return fail(ErrorCode::Forbidden);
                         }),
              HasError(ErrorCode::Forbidden));
  EXPECT_CALL(users_, findById(_)).WillOnce(Return(std::nullopt));
  EXPECT_THAT(
      modifyUser(uow_, users_, {audit_, {}}, user_.id(),
                 [](users::domain::User&) -> Result<Change<>> { return write(std::nullopt); }),
      HasError(ErrorCode::NotFound));
}

TEST(RetryOnConflictTest, CommitsASuccessRetriesAConflictAndRollsBackOtherFailures) {
  NiceMock<MockUnitOfWork> uow;
  int commits = 0;
  ON_CALL(uow, begin).WillByDefault([&] {
    auto tx = std::make_unique<NiceMock<MockTransaction>>();
    ON_CALL(*tx, commit).WillByDefault([&] { ++commits; });
    return tx;
  });
  std::vector<int> seen;
  auto r = retryOnConflict(uow, 3, [&](int n) -> Result<int> {
    seen.push_back(n);
    if (n < 2) return fail(ErrorCode::Conflict);
    return 7;
  });
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(*r, 7);
  EXPECT_EQ(seen, (std::vector<int>{0, 1, 2}));
  EXPECT_EQ(commits, 1);
  EXPECT_THAT(retryOnConflict(uow, 3, [](int) -> Result<int> { return fail(ErrorCode::NotFound); }),
              HasError(ErrorCode::NotFound));
  EXPECT_EQ(commits, 1);
}

}  // namespace
}  // namespace authd::testing
