// No database error outlives its request: connections a fault may have poisoned are dropped,
// dead pooled connections are replaced (shared/infrastructure/db_transaction.hpp).
#include <gtest/gtest.h>
#include <libpq-fe.h>

#include <string>

#include "features/users/infrastructure/persistence/odb_user_repository.hpp"
#include "samples.hpp"
#include "shared/core/errors.hpp"
#include "shared/infrastructure/database.hpp"
#include "shared/infrastructure/odb_unit_of_work.hpp"
#include "test_database.hpp"

namespace authd::testing {
namespace {

using users::infrastructure::OdbUserRepository;

class FaultContainmentTest : public ::testing::Test {
 protected:
  TestDatabase database_;
  // A pool of one connection: whatever a fault leaves on it, the next call meets.
  std::shared_ptr<odb::pgsql::database> db_ = openDatabase({database_.url(), 1, 5});
  OdbUnitOfWork uow_{db_};
  OdbUserRepository users_{db_};

  bool lookupWorks() {
    auto tx = uow_.begin();
    const bool absent = !users_.findByEmail("nobody@example.com").has_value();
    tx->commit();
    return absent;
  }
};

TEST_F(FaultContainmentTest, AFailedCachedQueryDoesNotPoisonTheConnectionForLaterCalls) {
  ASSERT_TRUE(lookupWorks());  // prepares the query on the connection
  // PostgreSQL refuses NUL and invalid UTF-8 (22021) inside the prepared statement. Before the
  // fix the statement stayed prepared on the server while ODB forgot it: every later lookup
  // failed with 42P05 until a restart.
  for (const std::string& bad : {std::string("a\0b@example.com", 15), std::string("\xff@x.y")}) {
    auto tx = uow_.begin();
    EXPECT_ANY_THROW(users_.findByEmail(bad));
  }
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(lookupWorks()) << "call " << i;
}

TEST_F(FaultContainmentTest, ADeadPooledConnectionIsReplacedAtBeginWithoutAnError) {
  ASSERT_TRUE(lookupWorks());
  const int pid = pooledBackendPid(*db_);
  ASSERT_TRUE(database_.endBackend(pid));
  EXPECT_TRUE(lookupWorks());  // BEGIN failed, retried once on a fresh connection
  EXPECT_TRUE(lookupWorks());
  EXPECT_NE(pooledBackendPid(*db_), pid);
}

TEST_F(FaultContainmentTest, AConnectionLostMidTransactionIsUnavailableAndTheNextCallWorks) {
  ASSERT_TRUE(lookupWorks());
  const int pid = pooledBackendPid(*db_);
  {
    auto tx = uow_.begin();
    ASSERT_FALSE(users_.findByEmail("before@example.com"));
    ASSERT_TRUE(database_.endBackend(pid));
    // Not retried: the statement was sent, so the caller answers 503 and the client decides.
    EXPECT_THROW(users_.findByEmail("after@example.com"), UnavailableError);
  }
  EXPECT_TRUE(lookupWorks());
}

// A proxy that has not yet seen a failover hands out a connection to a standby: a write there
// is a 503 for now (and the connection is dropped), not a 500.
TEST_F(FaultContainmentTest, AWriteOnAStandbyIsUnavailableAndItsConnectionIsDropped) {
  ASSERT_TRUE(lookupWorks());
  const int pid = pooledBackendPid(*db_);
  odb::pgsql::connection_ptr(db_->connection())
      ->execute("SET default_transaction_read_only = on");  // as a standby's sessions are
  {
    auto tx = uow_.begin();
    FakeClock clock;
    FakeRandomSource random;
    auto user = sampleUser(clock, random);
    EXPECT_THROW((void)users_.add(user), UnavailableError);
  }
  EXPECT_TRUE(lookupWorks());
  EXPECT_NE(pooledBackendPid(*db_), pid);  // a fresh connection, not the standby's
}

TEST_F(FaultContainmentTest, ADatabaseThatRefusesConnectionsIsUnavailable) {
  auto nowhere = openDatabase({"postgresql://postgres@127.0.0.1:1/none", 1, 2});
  OdbUnitOfWork uow(nowhere);
  EXPECT_THROW(uow.begin(), UnavailableError);
}

}  // namespace
}  // namespace authd::testing
