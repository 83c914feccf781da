#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "fakes/fakes.hpp"
#include "features/auth/infrastructure/mail/odb_mail_outbox.hpp"
#include "features/auth/infrastructure/mail/outbox_worker.hpp"
#include "features/auth/infrastructure/persistence/odb_account_token_repository.hpp"
#include "features/keys/infrastructure/crypto/master_key.hpp"
#include "features/users/infrastructure/persistence/odb_user_repository.hpp"
#include "matchers.hpp"
#include "shared/infrastructure/odb_unit_of_work.hpp"
#include "test_database.hpp"

namespace authd::testing {
namespace {

using auth::application::Mail;
using auth::infrastructure::OdbMailOutbox;
using keys::infrastructure::MasterKey;
using std::chrono::seconds;

// A Mailer double that answers from a script and records what it was asked to send.
class ScriptedMailer : public auth::application::Mailer {
 public:
  std::vector<Status> script;  // answers in order; ok() once exhausted
  std::vector<Mail> sent;
  Status send(const Mail& mail) override {
    Status s = ok();
    if (!script.empty()) {
      s = script.front();
      script.erase(script.begin());
    }
    if (s) sent.push_back(mail);
    return s;
  }
};

class MailOutboxTest : public ::testing::Test {
 protected:
  void enqueue(const Mail& m, bool commit = true) {
    auto tx = uow_.begin();
    outbox_.enqueue(m);
    if (commit) tx->commit();
  }
  TestDatabase database_;
  OdbUnitOfWork uow_{database_.db()};
  FakeClock clock_;
  FakeRandomSource random_;
  MasterKey key_ = MasterKey::developmentKey();
  keys::infrastructure::MasterKeySealer sealer_{key_, random_};
  OdbMailOutbox outbox_{database_.db(), sealer_, random_, clock_};
  Mail mail_{"to@example.com", "Hello", "open https://x/?token=SECRET123", "<a>SECRET123</a>",
             std::nullopt};
};

TEST_F(MailOutboxTest, MailExistsOnlyWhenItsTransactionCommits) {
  enqueue(mail_, /*commit=*/false);
  EXPECT_TRUE(outbox_.claim(10, seconds(60)).empty());
  enqueue(mail_);
  auto claimed = outbox_.claim(10, seconds(60));
  ASSERT_EQ(claimed.size(), 1u);
  EXPECT_EQ(claimed[0].mail.to, "to@example.com");
  EXPECT_EQ(claimed[0].mail.text, mail_.text);
  EXPECT_EQ(claimed[0].mail.html, mail_.html);
  EXPECT_EQ(claimed[0].attempts, 1);
}

TEST_F(MailOutboxTest, ContentIsSealedAtRestAndWipedOnceSent) {
  enqueue(mail_);
  EXPECT_EQ(database_.exec("SELECT 1 FROM mail_outbox WHERE sealed_content LIKE '%SECRET123%'"),
            0u);
  auto claimed = outbox_.claim(10, seconds(60));
  ASSERT_EQ(claimed.size(), 1u);
  outbox_.markSent(claimed[0].id);
  EXPECT_EQ(
      database_.exec("SELECT 1 FROM mail_outbox WHERE sent_at IS NOT NULL AND sealed_content = ''"),
      1u);
  clock_.advance(seconds(3600));
  EXPECT_TRUE(outbox_.claim(10, seconds(60)).empty());
}

TEST_F(MailOutboxTest, AClaimIsLeasedThenDueAgain) {
  enqueue(mail_);
  ASSERT_EQ(outbox_.claim(10, seconds(60)).size(), 1u);
  EXPECT_TRUE(outbox_.claim(10, seconds(60)).empty());  // leased to the first claimer
  clock_.advance(seconds(61));
  auto again = outbox_.claim(10, seconds(60));
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].attempts, 2);
}

TEST_F(MailOutboxTest, WorkerRetriesTemporaryFailuresWithBackoff) {
  enqueue(mail_);
  ScriptedMailer mailer;
  mailer.script = {fail(ErrorCode::Unavailable, "connection refused")};
  auth::infrastructure::OutboxWorkerConfig config;
  config.background = false;  // passes are driven by hand below
  config.retry_base = std::chrono::milliseconds(2000);
  auth::infrastructure::OutboxWorker worker(outbox_, mailer, clock_, config);
  EXPECT_EQ(worker.drainOnce(), 0u);
  clock_.advance(seconds(1));
  EXPECT_EQ(worker.drainOnce(), 0u);  // not due before the backoff
  clock_.advance(seconds(1));
  EXPECT_EQ(worker.drainOnce(), 1u);
  ASSERT_EQ(mailer.sent.size(), 1u);
  EXPECT_EQ(mailer.sent[0].subject, "Hello");
}

TEST_F(MailOutboxTest, WorkerGivesUpOnPermanentFailures) {
  enqueue(mail_);
  ScriptedMailer mailer;
  mailer.script = {fail(ErrorCode::Internal, "550 no such user")};
  auth::infrastructure::OutboxWorkerConfig config;
  config.background = false;
  auth::infrastructure::OutboxWorker worker(outbox_, mailer, clock_, config);
  EXPECT_EQ(worker.drainOnce(), 0u);
  clock_.advance(seconds(3600));
  EXPECT_EQ(worker.drainOnce(), 0u);
  EXPECT_EQ(database_.exec("SELECT 1 FROM mail_outbox WHERE failed_at IS NOT NULL AND "
                           "last_error LIKE '550%' AND sealed_content = ''"),
            1u);
}

// Issue 12, finding 4: the counts behind the per-recipient mail limits.
TEST_F(MailOutboxTest, LoadOfCountsOneRecipientsMailByAgeAndState) {
  enqueue(mail_);
  clock_.advance(seconds(30));
  enqueue(mail_);
  Mail other = mail_;
  other.to = "other@example.com";
  enqueue(other);
  for (auto& c : outbox_.claim(10, seconds(60))) {
    if (c.mail.to == mail_.to) outbox_.markSent(c.id);
  }
  clock_.advance(seconds(45));  // the first is now 75 s old, the second 45 s
  auto tx = uow_.begin();
  const auto load = outbox_.loadOf("to@example.com", clock_.now());
  EXPECT_EQ(load.last_minute, 1);
  EXPECT_EQ(load.last_hour, 2);
  EXPECT_EQ(load.in_flight, 0);
  EXPECT_EQ(outbox_.loadOf("other@example.com", clock_.now()).in_flight, 1);
  EXPECT_EQ(outbox_.loadOf("nobody@example.com", clock_.now()).last_hour, 0);
}

// Two requests for one recipient at once: the second counts after the first commits, so both
// cannot pass the one-in-flight rule.
TEST_F(MailOutboxTest, LoadOfSerialisesTransactionsForOneRecipient) {
  auto first = uow_.begin();
  ASSERT_EQ(outbox_.loadOf(mail_.to, clock_.now()).in_flight, 0);
  outbox_.enqueue(mail_);
  std::atomic<int> seen{-1};
  std::thread second([&] {
    OdbUnitOfWork uow(database_.db());
    auto tx = uow.begin();
    seen = outbox_.loadOf(mail_.to, clock_.now()).in_flight;
    tx->commit();
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_EQ(seen.load(), -1);  // still waiting for the first transaction
  first->commit();
  second.join();
  EXPECT_EQ(seen.load(), 1);
}

TEST_F(MailOutboxTest, AMailWhoseLinkHasExpiredIsNeverSent) {
  Mail link = mail_;
  link.expires_at = clock_.now() + seconds(3600);
  enqueue(link);
  clock_.advance(seconds(3600));
  EXPECT_TRUE(outbox_.claim(10, seconds(60)).empty());
  EXPECT_EQ(database_.exec("SELECT 1 FROM mail_outbox WHERE failed_at IS NOT NULL AND "
                           "sealed_content = '' AND last_error LIKE '%expired%'"),
            1u);
  Mail fresh = mail_;
  fresh.expires_at = clock_.now() + seconds(3600);
  enqueue(fresh);
  EXPECT_EQ(outbox_.claim(10, seconds(60)).size(), 1u);
}

TEST_F(MailOutboxTest, PruneDeletesOnlyMailSentOrAbandonedBeforeTheCutoff) {
  enqueue(mail_);
  enqueue(mail_);
  auto claimed = outbox_.claim(1, seconds(60));
  ASSERT_EQ(claimed.size(), 1u);
  outbox_.markSent(claimed[0].id);
  clock_.advance(seconds(7 * 86400));
  enqueue(mail_);  // recent, unsent
  EXPECT_EQ(outbox_.pruneBefore(clock_.now() - seconds(86400)), 1u);
  EXPECT_EQ(database_.exec("SELECT 1 FROM mail_outbox"), 2u);  // both unsent ones stay
}

TEST(AccountTokenRepositoryTest, StoresDigestsFindsLocksAndEndsTokens) {
  TestDatabase database;
  OdbUnitOfWork uow(database.db());
  FakeClock clock;
  FakeRandomSource random;
  users::infrastructure::OdbUserRepository users(database.db());
  auth::infrastructure::OdbAccountTokenRepository tokens(database.db());
  auto user = users::domain::User::create(
      Uuid::v7(clock.now(), random), *users::domain::Email::parse("t@example.com"),
      *users::domain::Username::parse("tok"), std::nullopt, "h", clock.now());
  auth::domain::AccountToken t{Uuid::v7(clock.now(), random),
                               user.id(),
                               auth::domain::AccountTokenKind::VerifyEmail,
                               Bytes(32, 7),
                               clock.now(),
                               clock.now() + seconds(60),
                               std::nullopt,
                               std::nullopt};
  {
    auto tx = uow.begin();
    ASSERT_THAT(users.add(user), IsOk());
    tokens.add(t);
    tx->commit();
  }
  {
    auto tx = uow.begin();
    auto found = tokens.findByDigestForUpdate(Bytes(32, 7));
    ASSERT_TRUE(found.has_value());
    EXPECT_EQ(found->id, t.id);
    EXPECT_EQ(toMicros(found->expires_at), toMicros(t.expires_at));
    EXPECT_FALSE(found->used_at.has_value());
    EXPECT_FALSE(tokens.findByDigestForUpdate(Bytes(32, 8)).has_value());
    tokens.invalidateUnused(user.id(), auth::domain::AccountTokenKind::VerifyEmail, clock.now());
    tx->commit();
  }
  auto tx = uow.begin();
  EXPECT_TRUE(tokens.findByDigestForUpdate(Bytes(32, 7))->used_at.has_value());
  EXPECT_EQ(
      database.exec(
          "SELECT 1 FROM account_tokens WHERE digest = '" +
          std::string("0707070707070707070707070707070707070707070707070707070707070707") + "'"),
      1u);
  tx->commit();
  // Retention: a used token goes once its use is older than the cutoff, not before.
  EXPECT_EQ(tokens.pruneBefore(clock.now()), 0u);
  EXPECT_EQ(tokens.pruneBefore(clock.now() + seconds(1)), 1u);
  EXPECT_EQ(database.exec("SELECT 1 FROM account_tokens"), 0u);
}

TEST(ResetRequestQueueTest, PruneDeletesOnlyProcessedRequestsBeforeTheCutoff) {
  TestDatabase database;
  OdbUnitOfWork uow(database.db());
  FakeClock clock;
  FakeRandomSource random;
  auth::infrastructure::OdbResetRequestQueue queue(database.db());
  {
    auto tx = uow.begin();
    queue.enqueue(Uuid::v7(clock.now(), random), "a@example.com", clock.now());
    queue.enqueue(Uuid::v7(clock.now(), random), "b@example.com", clock.now());
    tx->commit();
  }
  {
    auto tx = uow.begin();
    const auto pending = queue.claim(1);
    ASSERT_EQ(pending.size(), 1u);
    queue.markProcessed(pending[0].id, clock.now());
    tx->commit();
  }
  EXPECT_EQ(queue.pruneBefore(clock.now() + seconds(1)), 1u);
  EXPECT_EQ(database.exec("SELECT 1 FROM password_reset_requests"), 1u);  // the pending one
}

}  // namespace
}  // namespace authd::testing
