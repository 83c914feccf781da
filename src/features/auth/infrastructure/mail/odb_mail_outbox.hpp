#pragma once

#include <memory>
#include <string>
#include <vector>

#include <odb/pgsql/database.hxx>

#include "features/auth/application/ports/mail.hpp"
#include "features/keys/application/ports/sealer.hpp"
#include "shared/core/clock.hpp"
#include "shared/core/random_source.hpp"

namespace authd::auth::infrastructure {

// The mail_outbox table. enqueue() joins the caller's transaction (MailOutbox port); the
// delivery side (claim, markSent, markFailed) runs its own short transactions for the worker.
// Contents are sealed (under the master key) at rest and wiped once sent.
class OdbMailOutbox final : public application::MailOutbox {
 public:
  struct Claimed {
    std::string id;
    application::Mail mail;
    int attempts = 0;  // including this one
  };

  OdbMailOutbox(std::shared_ptr<odb::pgsql::database> db, const keys::application::Sealer& sealer,
                RandomSource& random, Clock& clock)
      : db_(std::move(db)), sealer_(sealer), random_(random), clock_(clock) {}

  void enqueue(const application::Mail& mail) override;
  domain::RecipientLoad loadOf(const std::string& recipient, Timestamp now) override;

  // Up to `limit` due mails, leased for `lease` so that no other worker (or instance) takes
  // them meanwhile (FOR UPDATE SKIP LOCKED). A lease that runs out makes the mail due again.
  std::vector<Claimed> claim(std::size_t limit, Seconds lease);
  void markSent(const std::string& id);
  // A failed attempt: due again at `retry_at`, or given up when `retry_at` is empty.
  void markFailed(const std::string& id, const std::string& error,
                  std::optional<Timestamp> retry_at);
  // Mail neither sent nor given up yet (due now or waiting for a retry): the backlog an
  // operator watches. Its own transaction.
  std::size_t backlog();
  // Retention: deletes mail sent or given up before `cutoff` (their contents are long wiped).
  std::size_t pruneBefore(Timestamp cutoff);
  // `authd rotate-secrets`: gives up every unsent mail that carries a link (the links are dead)
  // and wipes it, inside the caller's transaction.
  std::size_t abandonUnsentLinks();

 private:
  std::shared_ptr<odb::pgsql::database> db_;
  const keys::application::Sealer& sealer_;
  RandomSource& random_;
  Clock& clock_;
};

}  // namespace authd::auth::infrastructure
