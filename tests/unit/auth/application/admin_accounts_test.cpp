#include "features/auth/application/use_cases/admin_accounts.hpp"

#include "use_case_fixture.hpp"

namespace authd::testing {
namespace {

using users::application::AuditEventType;

class AdminAccountsTest : public AuthUseCaseTest {
 protected:
  auth::application::SessionDeps deps_{uow_, users_, tokens_, audit_, clock_};
  auth::application::AdminAccounts admin_{deps_, audit_log_, policy_};
  const std::string unknown_ = "00000000-0000-7000-8000-000000000000";
};

TEST_F(AdminAccountsTest, ListsAnotherAccountsSessionsWithNoneCurrent) {
  loginTimes(2);
  auto sessions = admin_.sessions(stored_->id().toString());
  ASSERT_THAT(sessions, IsOk());
  ASSERT_EQ(sessions->size(), 2u);
  for (const auto& s : *sessions) EXPECT_FALSE(s.current);
  EXPECT_THAT(admin_.sessions(unknown_), HasError(ErrorCode::NotFound));
  EXPECT_THAT(admin_.sessions("not-a-uuid"), HasError(ErrorCode::NotFound));
}

TEST_F(AdminAccountsTest, RevokesEverySessionAudited) {
  loginTimes(3);
  ASSERT_THAT(admin_.revokeSessions(stored_->id().toString(), {}), IsOk());
  EXPECT_TRUE(stored_->sessions().empty());
  EXPECT_EQ(eventTypes(), std::vector<AuditEventType>{AuditEventType::LogoutAll});
  EXPECT_THAT(admin_.revokeSessions(unknown_, {}), HasError(ErrorCode::NotFound));
}

TEST_F(AdminAccountsTest, SoftDeletesOnceAndTheAccountIsGoneAfterwards) {
  loginTimes(1);
  const std::string id = stored_->id().toString();
  ASSERT_THAT(admin_.remove(id, {}), IsOk());
  EXPECT_TRUE(stored_->isDeleted());
  EXPECT_TRUE(stored_->sessions().empty());
  EXPECT_EQ(eventTypes(), std::vector<AuditEventType>{AuditEventType::AccountDeleted});
  EXPECT_THAT(admin_.remove(id, {}), HasError(ErrorCode::NotFound));
  EXPECT_THAT(admin_.sessions(id), HasError(ErrorCode::NotFound));
  EXPECT_THAT(admin_.events(id, std::nullopt, std::nullopt), HasError(ErrorCode::NotFound));
}

TEST_F(AdminAccountsTest, EventsNeedALiveUserAndAValidPage) {
  seedUser();
  EXPECT_CALL(audit_log_, listForUser)
      .WillOnce(::testing::Return(std::vector<users::application::AuditEvent>{}));
  auto page = admin_.events(stored_->id().toString(), std::string("5"), std::nullopt);
  ASSERT_THAT(page, IsOk());
  EXPECT_TRUE(page->events.empty());
  EXPECT_FALSE(page->next_cursor.has_value());
  EXPECT_THAT(admin_.events(stored_->id().toString(), std::string("0"), std::nullopt),
              HasError(ErrorCode::ValidationFailed));
  EXPECT_THAT(admin_.events(unknown_, std::nullopt, std::nullopt), HasError(ErrorCode::NotFound));
}

}  // namespace
}  // namespace authd::testing
