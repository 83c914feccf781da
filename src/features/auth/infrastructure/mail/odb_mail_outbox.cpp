#include "features/auth/infrastructure/mail/odb_mail_outbox.hpp"

#include <nlohmann/json.hpp>
#include <odb/transaction.hxx>

#include "account_token_record-odb.hxx"
#include "shared/infrastructure/odb_unit_of_work.hpp"

namespace authd::auth::infrastructure {
namespace {

using records::MailOutboxRecord;
using Query = odb::query<MailOutboxRecord>;

}  // namespace

void OdbMailOutbox::enqueue(const application::Mail& mail) {
  translateDatabaseFaults([&] {
    const nlohmann::json content = {
        {"subject", mail.subject}, {"text", mail.text}, {"html", mail.html}};
    const std::string plain =
        content.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    const Timestamp now = clock_.now();
    MailOutboxRecord r;
    r.id = Uuid::v7(now, random_).toString();
    r.recipient = mail.to;
    r.sealed_content = sealer_.seal(Bytes(plain.begin(), plain.end()));
    r.created_at = toMicros(now);
    r.next_attempt_at = toMicros(now);
    db_->persist(r);
  });
}

std::vector<OdbMailOutbox::Claimed> OdbMailOutbox::claim(std::size_t limit, Seconds lease) {
  return translateDatabaseFaults([&] {
    DbTransaction tx(*db_);
    const long long now = toMicros(clock_.now());
    std::vector<MailOutboxRecord> due;
    for (const auto& r : db_->query<MailOutboxRecord>(
             (Query::sent_at.is_null() && Query::failed_at.is_null() &&
              Query::next_attempt_at <= now) +
             "ORDER BY" + Query::next_attempt_at + "LIMIT" +
             Query::_val(static_cast<long long>(limit)) + "FOR UPDATE SKIP LOCKED")) {
      due.push_back(r);
    }
    std::vector<Claimed> out;
    for (auto& r : due) {
      r.attempts += 1;
      r.next_attempt_at =
          now + std::chrono::duration_cast<std::chrono::microseconds>(lease).count();
      db_->update(r);
      Claimed c;
      c.id = r.id;
      c.attempts = r.attempts;
      c.mail.to = r.recipient;
      auto plain = sealer_.open(r.sealed_content);
      if (!plain) {
        // Sealed under another master key (or damaged): it can never be sent.
        r.failed_at = now;
        r.last_error = "content cannot be unsealed";
        db_->update(r);
        continue;
      }
      const auto j = nlohmann::json::parse(plain->begin(), plain->end());
      c.mail.subject = j.at("subject");
      c.mail.text = j.at("text");
      c.mail.html = j.at("html");
      out.push_back(std::move(c));
    }
    tx.commit();
    return out;
  });
}

void OdbMailOutbox::markSent(const std::string& id) {
  translateDatabaseFaults([&] {
    DbTransaction tx(*db_);
    auto r = db_->load<MailOutboxRecord>(id);
    r->sent_at = toMicros(clock_.now());
    r->sealed_content = "";  // the link inside is single-use and now delivered: keep no copy
    r->last_error = "";
    db_->update(*r);
    tx.commit();
  });
}

void OdbMailOutbox::markFailed(const std::string& id, const std::string& error,
                               std::optional<Timestamp> retry_at) {
  translateDatabaseFaults([&] {
    DbTransaction tx(*db_);
    auto r = db_->load<MailOutboxRecord>(id);
    r->last_error = error.substr(0, 500);
    if (retry_at) {
      r->next_attempt_at = toMicros(*retry_at);
    } else {
      r->failed_at = toMicros(clock_.now());
      r->sealed_content = "";
    }
    db_->update(*r);
    tx.commit();
  });
}

}  // namespace authd::auth::infrastructure
