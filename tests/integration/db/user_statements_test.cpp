// PgUserStatements on a real PostgreSQL: the one-statement reads and the version-guarded
// sessions write of the hot paths read and write what OdbUserRepository does, and their faults
// are contained like a transaction's (shared/infrastructure/pg_statement.hpp).
#include <gtest/gtest.h>
#include <libpq-fe.h>

#include <chrono>
#include <cstdint>
#include <future>
#include <limits>
#include <memory>
#include <string>
#include <thread>

#include "fakes/fakes.hpp"
#include "features/users/infrastructure/persistence/odb_user_repository.hpp"
#include "features/users/infrastructure/persistence/pg_user_statements.hpp"
#include "matchers.hpp"
#include "shared/core/errors.hpp"
#include "shared/infrastructure/database.hpp"
#include "shared/infrastructure/odb_unit_of_work.hpp"
#include "test_database.hpp"

namespace authd::testing {
namespace {

namespace ud = users::domain;
using std::chrono::microseconds;
using std::chrono::seconds;

class UserStatementsTest : public ::testing::Test {
 protected:
  UserStatementsTest() {
    user_.openSession(ud::Session::open(Uuid::v7(clock_.now(), random_), Bytes(32, 0xEE),
                                        clock_.now() + microseconds(7), policy_, "agent/1", "::1",
                                        ud::AuthMethods::PasswordAndOtp),
                      clock_.now(), policy_);
    user_.openSession(
        ud::Session::open(Uuid::v7(clock_.now(), random_), Bytes(32, 0x11),
                          clock_.now() + microseconds(999999), policy_, "", "10.0.0.2"),
        clock_.now(), policy_);
    auto tx = uow_.begin();
    EXPECT_THAT(repo_.add(user_), IsOk());
    tx->commit();
  }
  std::optional<ud::User> viaRepository() {
    auto tx = uow_.begin();
    return repo_.findById(user_.id());
  }

  TestDatabase database_;
  // A pool of one connection: whatever a fault leaves on it, the next call meets.
  std::shared_ptr<odb::pgsql::database> db_ = openDatabase({database_.url(), 1, 5});
  OdbUnitOfWork uow_{db_};
  users::infrastructure::OdbUserRepository repo_{db_};
  users::infrastructure::PgUserStatements statements_{db_};
  FakeClock clock_{fromMicros(1'790'000'000'123'457)};
  FakeRandomSource random_;
  ud::SessionPolicy policy_;
  ud::User user_ =
      ud::User::create(Uuid::v7(clock_.now(), random_), *ud::Email::parse("a@example.com"),
                       *ud::Username::parse("alice"), std::string("Ada \"L\" \xC3\xA9"),
                       "$argon2id$v=19$m=8,t=1,p=1$c2FsdA$aGFzaA", clock_.now());
};

TEST_F(UserStatementsTest, FindUserReadsWhatTheRepositoryReads) {
  const auto a = viaRepository();
  const auto b = statements_.findUser(user_.id());
  ASSERT_TRUE(a && b);
  EXPECT_EQ(b->state().email, a->state().email);
  EXPECT_EQ(b->state().username, a->state().username);
  EXPECT_EQ(b->state().display_name, a->state().display_name);
  EXPECT_EQ(b->state().password_hash, a->state().password_hash);
  EXPECT_EQ(b->state().roles, a->state().roles);
  EXPECT_EQ(toMicros(b->state().created_at), toMicros(a->state().created_at));
  EXPECT_EQ(toMicros(b->state().updated_at), toMicros(a->state().updated_at));
  EXPECT_EQ(b->version(), a->version());
  ASSERT_EQ(b->sessions().size(), 2u);
  for (std::size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(b->sessions()[i].id(), a->sessions()[i].id());
    EXPECT_EQ(b->sessions()[i].state().token_digest, a->sessions()[i].state().token_digest);
    EXPECT_EQ(toMicros(b->sessions()[i].state().expires_at),
              toMicros(a->sessions()[i].state().expires_at));
    EXPECT_EQ(b->sessions()[i].state().methods, a->sessions()[i].state().methods);
  }
  EXPECT_FALSE(statements_.findUser(Uuid::v7(clock_.now(), random_)));
}

TEST_F(UserStatementsTest, FindSessionAnswersOnlyTheSessionAskedFor) {
  const auto& first = user_.sessions()[0].state();
  auto s = statements_.findSession(user_.id(), first.id);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->roles, std::set<std::string>{"user"});
  EXPECT_EQ(s->methods, ud::AuthMethods::PasswordAndOtp);
  EXPECT_EQ(toMicros(s->expires_at), toMicros(first.expires_at));
  EXPECT_EQ(toMicros(s->last_used_at), toMicros(first.last_used_at));
  auto second = statements_.findSession(user_.id(), user_.sessions()[1].id());
  ASSERT_TRUE(second);
  EXPECT_EQ(second->methods, ud::AuthMethods::Password);
  // Another user's id with this session, or an unknown session: nothing.
  EXPECT_FALSE(statements_.findSession(Uuid::v7(clock_.now(), random_), first.id));
  EXPECT_FALSE(statements_.findSession(user_.id(), Uuid::v7(clock_.now(), random_)));
}

TEST_F(UserStatementsTest, SoftDeletedUsersAreNeverFound) {
  const Uuid sid = user_.sessions()[0].id();
  database_.exec("UPDATE users SET deleted_at = now() WHERE id = '" + user_.id().toString() + "'");
  EXPECT_FALSE(statements_.findUser(user_.id()));
  EXPECT_FALSE(statements_.findProfile(user_.id()));
  EXPECT_FALSE(statements_.findSession(user_.id(), sid));
  EXPECT_THAT(statements_.storeSessions(user_), HasError(ErrorCode::Conflict));
}

TEST_F(UserStatementsTest, FindProfileHasTheProfileAndNothingMore) {
  auto p = statements_.findProfile(user_.id());
  ASSERT_TRUE(p);
  const auto want = user_.profile();
  EXPECT_EQ(p->id, want.id);
  EXPECT_EQ(p->email, want.email);
  EXPECT_EQ(p->username, want.username);
  EXPECT_EQ(p->display_name, want.display_name);
  EXPECT_EQ(p->email_verified, want.email_verified);
  EXPECT_EQ(p->roles, want.roles);
  EXPECT_EQ(toMicros(p->created_at), toMicros(want.created_at));
  EXPECT_EQ(toMicros(p->updated_at), toMicros(want.updated_at));
}

TEST_F(UserStatementsTest, StoreSessionsWritesSessionsUnderTheVersionCheck) {
  auto mine = *statements_.findUser(user_.id());
  clock_.advance(seconds(5));
  ASSERT_TRUE(mine.revokeSession(mine.sessions()[0].id(), clock_.now()));
  ASSERT_THAT(statements_.storeSessions(mine), IsOk());
  EXPECT_EQ(mine.version(), user_.version() + 1);
  auto back = viaRepository();
  ASSERT_TRUE(back);
  EXPECT_EQ(back->version(), mine.version());  // the version ODB checks next
  EXPECT_EQ(back->sessions().size(), 1u);
  EXPECT_EQ(toMicros(back->state().updated_at), toMicros(clock_.now()));
  // A copy read before that write loses, and writes nothing.
  auto stale = user_;
  ASSERT_TRUE(stale.revokeSession(stale.sessions()[1].id(), clock_.now()));
  EXPECT_THAT(statements_.storeSessions(stale), HasError(ErrorCode::Conflict));
  EXPECT_EQ(viaRepository()->sessions().size(), 1u);
  // And ODB's own optimistic update carries on from the new version.
  {
    auto tx = uow_.begin();
    back->setDisplayName(std::string("After"), clock_.now());
    ASSERT_THAT(repo_.update(*back), IsOk());
    tx->commit();
  }
  EXPECT_EQ(statements_.findProfile(user_.id())->display_name, "After");
}

TEST_F(UserStatementsTest, ADeadPooledConnectionIsReplacedForAReadWithoutAnError) {
  ASSERT_TRUE(statements_.findProfile(user_.id()));
  const int pid = pooledBackendPid(*db_);
  ASSERT_TRUE(database_.endBackend(pid));
  // Sent again on a fresh connection, where the statement is prepared anew.
  EXPECT_TRUE(statements_.findProfile(user_.id()));
  EXPECT_TRUE(statements_.findSession(user_.id(), user_.sessions()[0].id()));
  EXPECT_NE(pooledBackendPid(*db_), pid);
}

// A migration changed a column's type while the instance ran: PostgreSQL refuses every later
// run of a statement the pooled connection prepared before (0A000, "cached plan must not
// change result type"), for as long as that connection lives. It is replaced and the statement
// prepared anew, instead of failing on that connection until a restart.
TEST_F(UserStatementsTest, AStatementPreparedBeforeAColumnChangedTypeIsPreparedAnew) {
  ASSERT_TRUE(statements_.findProfile(user_.id()));
  ASSERT_TRUE(statements_.findUser(user_.id()));
  const int pid = pooledBackendPid(*db_);
  database_.exec("CREATE DOMAIN users_display_name AS TEXT");
  database_.exec("ALTER TABLE users ALTER COLUMN display_name TYPE users_display_name");
  const auto profile = statements_.findProfile(user_.id());
  ASSERT_TRUE(profile);
  EXPECT_EQ(profile->display_name, std::string("Ada \"L\" \xC3\xA9"));
  EXPECT_NE(pooledBackendPid(*db_), pid);
  const auto user = statements_.findUser(user_.id());
  ASSERT_TRUE(user);
  EXPECT_EQ(user->sessions().size(), 2u);
}

// A restart, a failover or an operator ended the pooled connection while it sat idle: the
// statement was never sent on it, so even a write goes to a fresh connection, without a 503.
TEST_F(UserStatementsTest, AWriteOnAConnectionTheServerEndedWhilePooledGoesToAFreshOne) {
  auto mine = *statements_.findUser(user_.id());
  const int pid = pooledBackendPid(*db_);
  ASSERT_TRUE(database_.endBackend(pid));
  ASSERT_TRUE(mine.revokeSession(mine.sessions()[0].id(), clock_.now()));
  EXPECT_THAT(statements_.storeSessions(mine), IsOk());
  EXPECT_EQ(viaRepository()->sessions().size(), 1u);
  EXPECT_NE(pooledBackendPid(*db_), pid);
}

// The connection dies while the write is out (here while it waits for a row lock): it may have
// landed for all authd can tell, so it is not sent again; the caller answers 503 and the
// client decides. Nothing half-written, and the next call works.
TEST_F(UserStatementsTest, AWriteWhoseConnectionDiesWhileOutIsUnavailableAndTheNextCallWorks) {
  auto mine = *statements_.findUser(user_.id());
  ASSERT_TRUE(mine.revokeSession(mine.sessions()[0].id(), clock_.now()));
  const int pid = pooledBackendPid(*db_);
  std::unique_ptr<PGconn, void (*)(PGconn*)> locker(PQconnectdb(database_.url().c_str()),
                                                    &PQfinish);
  ASSERT_EQ(PQstatus(locker.get()), CONNECTION_OK);
  const auto run = [&](const std::string& sql) {
    PGresult* r = PQexec(locker.get(), sql.c_str());
    const auto status = PQresultStatus(r);
    PQclear(r);
    return status;
  };
  ASSERT_EQ(run("BEGIN"), PGRES_COMMAND_OK);
  ASSERT_EQ(run("SELECT 1 FROM users WHERE id = '" + user_.id().toString() + "' FOR UPDATE"),
            PGRES_TUPLES_OK);
  std::promise<bool> unavailable;
  std::thread writer([&] {
    try {
      (void)statements_.storeSessions(mine);
      unavailable.set_value(false);
    } catch (const UnavailableError&) {
      unavailable.set_value(true);
    } catch (...) {
      unavailable.set_value(false);
    }
  });
  const std::string waiting = "SELECT 1 FROM pg_stat_activity WHERE pid = " + std::to_string(pid) +
                              " AND wait_event_type = 'Lock'";
  bool waited = false;
  for (int i = 0; i < 1000 && !waited; ++i) {
    waited = database_.exec(waiting) == 1;
    if (!waited) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  // Ended while it waits, and the lock released only once that backend is gone, so that the
  // write cannot take it first. Released whatever happened, so the writer never hangs.
  const bool ended = waited && database_.endBackend(pid);
  EXPECT_EQ(run("ROLLBACK"), PGRES_COMMAND_OK);  // not ASSERT: the writer must be joined
  const bool was_unavailable = unavailable.get_future().get();
  writer.join();
  ASSERT_TRUE(waited) << "the write never waited for the lock";
  EXPECT_TRUE(ended);
  EXPECT_TRUE(was_unavailable);
  EXPECT_EQ(viaRepository()->sessions().size(), 2u);
  auto again = *statements_.findUser(user_.id());
  ASSERT_TRUE(again.revokeSession(again.sessions()[0].id(), clock_.now()));
  EXPECT_THAT(statements_.storeSessions(again), IsOk());
}

TEST_F(UserStatementsTest, AWriteOnAStandbyIsUnavailableAndItsConnectionIsDropped) {
  auto mine = *statements_.findUser(user_.id());
  const int pid = pooledBackendPid(*db_);
  odb::pgsql::connection_ptr(db_->connection())
      ->execute("SET default_transaction_read_only = on");  // as a standby's sessions are
  EXPECT_THROW((void)statements_.storeSessions(mine), UnavailableError);
  EXPECT_NE(pooledBackendPid(*db_), pid);
  EXPECT_THAT(statements_.storeSessions(mine), IsOk());
}

// Hostile input: what the server refuses (a time far out of range, 22008) is an error of that
// call alone; the connection is in no transaction and the next statements work.
TEST_F(UserStatementsTest, ARefusedStatementLeavesTheConnectionUsable) {
  auto mine = *statements_.findUser(user_.id());
  ASSERT_TRUE(mine.revokeSession(mine.sessions()[0].id(),
                                 fromMicros(std::numeric_limits<std::int64_t>::max())));
  const int pid = pooledBackendPid(*db_);
  EXPECT_THROW((void)statements_.storeSessions(mine), std::runtime_error);
  EXPECT_EQ(viaRepository()->sessions().size(), 2u);  // nothing half-written
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(statements_.findProfile(user_.id())) << i;
  EXPECT_EQ(pooledBackendPid(*db_), pid);
  auto again = *statements_.findUser(user_.id());
  EXPECT_THAT(statements_.storeSessions(again), IsOk());
}

// A NUL, invalid UTF-8 or control characters in a user agent are stored (JSONB refuses
// \u0000, so the codec writes U+FFFD), never a refused statement.
TEST_F(UserStatementsTest, HostileUserAgentsAreStoredNotRefused) {
  auto mine = *statements_.findUser(user_.id());
  mine.openSession(ud::Session::open(Uuid::v7(clock_.now(), random_), Bytes(32, 3), clock_.now(),
                                     policy_, std::string("nul\0agent \xFF\x01", 12), "::1"),
                   clock_.now(), policy_);
  ASSERT_THAT(statements_.storeSessions(mine), IsOk());
  const auto back = viaRepository();
  ASSERT_EQ(back->sessions().size(), 3u);
  EXPECT_EQ(back->sessions()[2].state().user_agent,
            "nul\xEF\xBF\xBD"
            "agent \xEF\xBF\xBD\x01");
  EXPECT_TRUE(statements_.findSession(user_.id(), back->sessions()[2].id()));
}

}  // namespace
}  // namespace authd::testing
