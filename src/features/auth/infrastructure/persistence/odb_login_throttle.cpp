#include "features/auth/infrastructure/persistence/odb_login_throttle.hpp"

#include <sodium.h>

#include <stdexcept>

#include "login_failure_record-odb.hxx"
#include "shared/core/encoding.hpp"
#include "shared/infrastructure/odb_unit_of_work.hpp"

namespace authd::auth::infrastructure {
namespace {

using records::LoginFailureRecord;

// Sweep expired rows on one call in this many, so abandoned identifiers do not pile up.
constexpr unsigned kSweepEvery = 256;

}  // namespace

OdbLoginThrottle::OdbLoginThrottle(std::shared_ptr<odb::pgsql::database> db, Secret digest_key)
    : db_(std::move(db)), key_(std::move(digest_key)) {
  if (!key_ || key_->size() != crypto_generichash_KEYBYTES) {
    throw std::invalid_argument("login throttle key must be 32 bytes");
  }
}

std::string OdbLoginThrottle::digestOf(std::string_view identifier) const {
  unsigned char out[32];
  crypto_generichash(out, sizeof out, reinterpret_cast<const unsigned char*>(identifier.data()),
                     identifier.size(), key_->data(), key_->size());
  return hexEncode(Bytes(out, out + sizeof out));
}

application::LoginThrottle::Count OdbLoginThrottle::countAttempt(std::string_view identifier,
                                                                 Timestamp now, Seconds window) {
  return translateDatabaseFaults([&]() -> Count {
    const long long now_us = toMicros(now);
    const long long cutoff_us =
        now_us - std::chrono::duration_cast<std::chrono::microseconds>(window).count();
    if (calls_.fetch_add(1) % kSweepEvery == 0) {
      db_->erase_query<LoginFailureRecord>(odb::query<LoginFailureRecord>::window_started_at <=
                                           cutoff_us);
    }
    // One upsert: insert the first attempt, count one more in the current window, or start a
    // new window when the stored one has expired (SET sees the old row throughout). It takes
    // the row lock, so concurrent attempts queue here and each reads back its own count.
    // ODB 2.4 cannot run an INSERT ... RETURNING as a native query (it prefixes WHERE), hence
    // execute(): every value spliced in is ours -- a hex digest and integers -- never input.
    const std::string digest = digestOf(identifier);
    const auto ts = [](long long us) {
      return "(TIMESTAMPTZ 'epoch' + " + std::to_string(us) + " * INTERVAL '1 microsecond')";
    };
    db_->execute(
        "INSERT INTO login_failures AS f (identifier_digest, attempts, window_started_at) VALUES "
        "('" +
        digest + "', 1, " + ts(now_us) +
        ") ON CONFLICT (identifier_digest) DO UPDATE SET "
        "attempts = CASE WHEN f.window_started_at <= " +
        ts(cutoff_us) +
        " THEN 1 ELSE f.attempts + 1 END, window_started_at = CASE WHEN f.window_started_at <= " +
        ts(cutoff_us) + " THEN EXCLUDED.window_started_at ELSE f.window_started_at END");
    const auto row = db_->load<LoginFailureRecord>(digest);
    return {row->attempts, fromMicros(row->window_started_at)};
  });
}

void OdbLoginThrottle::reset(std::string_view identifier) {
  translateDatabaseFaults([&] {
    db_->erase_query<LoginFailureRecord>(odb::query<LoginFailureRecord>::identifier_digest ==
                                         digestOf(identifier));
  });
}

std::size_t OdbLoginThrottle::pruneBefore(Timestamp cutoff) {
  return translateDatabaseFaults([&] {
    using Q = odb::query<LoginFailureRecord>;
    DbTransaction tx(*db_);
    const auto n = db_->erase_query<LoginFailureRecord>(Q::window_started_at < toMicros(cutoff));
    tx.commit();
    return static_cast<std::size_t>(n);
  });
}

std::size_t OdbLoginThrottle::forgetAll(odb::pgsql::database& db) {
  return translateDatabaseFaults(
      [&] { return static_cast<std::size_t>(db.erase_query<LoginFailureRecord>()); });
}

}  // namespace authd::auth::infrastructure
