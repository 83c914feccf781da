#include "features/auth/infrastructure/mail/odb_mail_outbox.hpp"

#include <sodium.h>

#include <cstring>

#include <nlohmann/json.hpp>
#include <odb/transaction.hxx>

#include "account_token_record-odb.hxx"
#include "shared/infrastructure/odb_unit_of_work.hpp"

namespace authd::auth::infrastructure {
namespace {

using records::MailCount;
using records::MailOutboxRecord;
using Query = odb::query<MailOutboxRecord>;
using CountQuery = odb::query<MailCount>;

// Advisory-lock class of "mail to one recipient"; the key is a digest of the address, so the
// SQL carries a number and never the address itself.
constexpr int kRecipientLockClass = 7236002;

std::int32_t recipientLockKey(const std::string& recipient) {
  unsigned char digest[crypto_shorthash_BYTES];
  static const unsigned char kKey[crypto_shorthash_KEYBYTES] = {};  // spreading, not secrecy
  crypto_shorthash(digest, reinterpret_cast<const unsigned char*>(recipient.data()),
                   recipient.size(), kKey);
  std::int32_t key;
  std::memcpy(&key, digest, sizeof key);
  return key;
}

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
    if (mail.expires_at) r.expires_at = toMicros(*mail.expires_at);
    db_->persist(r);
  });
}

domain::RecipientLoad OdbMailOutbox::loadOf(const std::string& recipient, Timestamp now) {
  return translateDatabaseFaults([&] {
    db_->execute("SELECT pg_advisory_xact_lock(" + std::to_string(kRecipientLockClass) + ", " +
                 std::to_string(recipientLockKey(recipient)) + ")");
    const auto count = [&](const CountQuery& q) {
      return static_cast<int>(db_->query_value<MailCount>(q).count);
    };
    const auto to = CountQuery::recipient == recipient;
    const long long minute_ago = toMicros(now - std::chrono::minutes(1));
    const long long hour_ago = toMicros(now - std::chrono::hours(1));
    domain::RecipientLoad load;
    load.last_minute = count(to && CountQuery::created_at > minute_ago);
    load.last_hour = count(to && CountQuery::created_at > hour_ago);
    load.in_flight = count(to && CountQuery::sent_at.is_null() && CountQuery::failed_at.is_null());
    return load;
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
      if (r.expires_at && *r.expires_at <= now) {
        // Its link has expired: a late mail would only carry a dead link (and a backlog must
        // not deliver links at all once they are stale).
        r.failed_at = now;
        r.sealed_content = "";
        r.last_error = "link expired before the mail could be sent";
        db_->update(r);
        continue;
      }
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

std::size_t OdbMailOutbox::backlog() {
  return translateDatabaseFaults([&] {
    DbTransaction tx(*db_);
    const auto n = db_->query_value<MailCount>(CountQuery::sent_at.is_null() &&
                                               CountQuery::failed_at.is_null())
                       .count;
    tx.commit();
    return n;
  });
}

std::size_t OdbMailOutbox::pruneBefore(Timestamp cutoff) {
  return translateDatabaseFaults([&] {
    DbTransaction tx(*db_);
    const long long c = toMicros(cutoff);
    const auto n = db_->erase_query<MailOutboxRecord>(Query::sent_at < c || Query::failed_at < c);
    tx.commit();
    return static_cast<std::size_t>(n);
  });
}

std::size_t OdbMailOutbox::abandonUnsentLinks() {
  return translateDatabaseFaults([&] {
    return static_cast<std::size_t>(
        db_->execute("UPDATE mail_outbox SET failed_at = now(), sealed_content = '', "
                     "last_error = 'link ended by rotate-secrets' "
                     "WHERE sent_at IS NULL AND failed_at IS NULL AND expires_at IS NOT NULL"));
  });
}

}  // namespace authd::auth::infrastructure
