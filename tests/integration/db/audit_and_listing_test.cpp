#include <gtest/gtest.h>

#include "fakes/fakes.hpp"
#include "features/users/infrastructure/persistence/odb_audit_log.hpp"
#include "features/users/infrastructure/persistence/odb_user_repository.hpp"
#include "matchers.hpp"
#include "shared/infrastructure/odb_unit_of_work.hpp"
#include "test_database.hpp"

namespace authd::testing {
namespace {

namespace ud = users::domain;
namespace ua = users::application;
using std::chrono::seconds;

class AuditAndListingTest : public ::testing::Test {
 protected:
  ud::User add(const std::string& name) {
    clock_.advance(seconds(1));
    auto u =
        ud::User::create(Uuid::v7(clock_.now(), random_), *ud::Email::parse(name + "@example.com"),
                         *ud::Username::parse(name), std::nullopt, "h", clock_.now());
    auto tx = uow_.begin();
    EXPECT_THAT(repo_.add(u), IsOk());
    tx->commit();
    return u;
  }
  std::vector<std::string> names(const std::vector<ud::User>& users) {
    std::vector<std::string> out;
    for (const auto& u : users) out.push_back(u.username());
    return out;
  }
  std::vector<ud::User> list(const ua::UserListQuery& q) {
    auto tx = uow_.begin();
    return repo_.list(q);
  }

  TestDatabase database_;
  OdbUnitOfWork uow_{database_.db()};
  users::infrastructure::OdbUserRepository repo_{database_.db()};
  users::infrastructure::OdbAuditLog log_{database_.db()};
  FakeClock clock_;
  FakeRandomSource random_;
};

TEST_F(AuditAndListingTest, ListsNewestFirstWithKeysetPagesAndPrefix) {
  add("ann");
  add("bob");
  add("anna_b");
  auto deleted = add("andy");
  database_.exec("UPDATE users SET deleted_at = now() WHERE id = '" + deleted.id().toString() +
                 "'");
  EXPECT_EQ(names(list({10, std::nullopt, std::nullopt})),
            (std::vector<std::string>{"anna_b", "bob", "ann"}));
  auto page = list({2, std::nullopt, std::nullopt});
  ASSERT_EQ(page.size(), 2u);
  auto rest =
      list({2, std::nullopt, ua::PageKey{page.back().state().created_at, page.back().id()}});
  EXPECT_EQ(names(rest), std::vector<std::string>{"ann"});
  EXPECT_EQ(names(list({10, std::string("an"), std::nullopt})),
            (std::vector<std::string>{"anna_b", "ann"}));
  // LIKE wildcards in the prefix are literals.
  EXPECT_TRUE(list({10, std::string("a%"), std::nullopt}).empty());
  EXPECT_EQ(names(list({10, std::string("anna_"), std::nullopt})),
            std::vector<std::string>{"anna_b"});
  // Matches the email too.
  EXPECT_EQ(names(list({10, std::string("bob@"), std::nullopt})), std::vector<std::string>{"bob"});
}

TEST_F(AuditAndListingTest, EventsAreStoredInTheCallersTransactionAndListedNewestFirst) {
  auto user = add("eve");
  {
    auto tx = uow_.begin();
    log_.record({Uuid::v7(clock_.now(), random_), user.id(), ua::AuditEventType::Registered,
                 clock_.now(), "1.2.3.4", "ua"});
  }  // rolled back: the event goes with it
  for (auto type : {ua::AuditEventType::Registered, ua::AuditEventType::LoginFailed,
                    ua::AuditEventType::LoginSucceeded}) {
    clock_.advance(seconds(1));
    auto tx = uow_.begin();
    log_.record({Uuid::v7(clock_.now(), random_), user.id(), type, clock_.now(), "1.2.3.4", "ua"});
    tx->commit();
  }
  {
    auto tx = uow_.begin();
    log_.record({Uuid::v7(clock_.now(), random_), std::nullopt, ua::AuditEventType::LoginFailed,
                 clock_.now(), "", ""});
    tx->commit();
  }
  auto tx = uow_.begin();
  auto events = log_.listForUser(user.id(), std::nullopt, 10);
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0].type, ua::AuditEventType::LoginSucceeded);
  EXPECT_EQ(events[2].type, ua::AuditEventType::Registered);
  EXPECT_EQ(events[0].ip, "1.2.3.4");
  auto older = log_.listForUser(user.id(), ua::EventCursor{events[0].at, events[0].id}, 10);
  ASSERT_EQ(older.size(), 2u);
  EXPECT_EQ(older[0].id, events[1].id);
}

TEST_F(AuditAndListingTest, PruneDeletesEventsOlderThanTheCutoff) {
  auto user = add("old");
  const Timestamp start = clock_.now();
  for (int day = 0; day < 3; ++day) {
    auto tx = uow_.begin();
    log_.record({Uuid::v7(clock_.now(), random_), user.id(), ua::AuditEventType::LoginFailed,
                 clock_.now(), "", ""});
    tx->commit();
    clock_.advance(seconds(86400));
  }
  EXPECT_EQ(log_.pruneBefore(start + seconds(86400)), 1u);
  auto tx = uow_.begin();
  EXPECT_EQ(log_.listForUser(user.id(), std::nullopt, 10).size(), 2u);
}

TEST_F(AuditAndListingTest, UnknownEventTypesAreRejectedByTheSchema) {
  EXPECT_ANY_THROW(database_.exec(
      "INSERT INTO auth_events (id, type, at) VALUES (gen_random_uuid(), 'hacked', now())"));
}

TEST_F(AuditAndListingTest, ForUpdateReadLocksTheRow) {
  auto user = add("lock");
  auto tx = uow_.begin();
  ASSERT_TRUE(repo_.findByIdForUpdate(user.id()).has_value());
  // Another connection cannot take the same lock while we hold it.
  EXPECT_EQ(database_.exec("SELECT 1 FROM users WHERE id = '" + user.id().toString() +
                           "' FOR UPDATE SKIP LOCKED"),
            0u);
}

}  // namespace
}  // namespace authd::testing
