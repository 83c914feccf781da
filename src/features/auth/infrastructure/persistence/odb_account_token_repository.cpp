#include "features/auth/infrastructure/persistence/odb_account_token_repository.hpp"

#include <stdexcept>

#include "account_token_record-odb.hxx"
#include "shared/core/encoding.hpp"
#include "shared/infrastructure/odb_unit_of_work.hpp"

namespace authd::auth::infrastructure {
namespace {

using records::AccountTokenRecord;
using Query = odb::query<AccountTokenRecord>;

}  // namespace

void OdbAccountTokenRepository::add(const domain::AccountToken& t) {
  translateDatabaseFaults([&] {
    AccountTokenRecord r;
    r.id = t.id.toString();
    r.user_id = t.user_id.toString();
    r.kind = domain::toString(t.kind);
    r.digest = hexEncode(t.digest);
    r.created_at = toMicros(t.created_at);
    r.expires_at = toMicros(t.expires_at);
    if (t.used_at) r.used_at = toMicros(*t.used_at);
    if (t.new_email) r.new_email = *t.new_email;
    db_->persist(r);
  });
}

std::optional<domain::AccountToken> OdbAccountTokenRepository::findByDigestForUpdate(
    const Bytes& digest) {
  return translateDatabaseFaults([&]() -> std::optional<domain::AccountToken> {
    auto rows = db_->query<AccountTokenRecord>((Query::digest == hexEncode(digest)) + "FOR UPDATE");
    auto it = rows.begin();
    if (it == rows.end()) return std::nullopt;
    domain::AccountToken t;
    const auto id = Uuid::parse(it->id);
    const auto user = Uuid::parse(it->user_id);
    const auto kind = domain::accountTokenKindFrom(it->kind);
    if (!id || !user || !kind) throw std::runtime_error("account_tokens row is malformed");
    t.id = *id;
    t.user_id = *user;
    t.kind = *kind;
    t.digest = digest;
    t.created_at = fromMicros(it->created_at);
    t.expires_at = fromMicros(it->expires_at);
    if (!it->used_at.null()) t.used_at = fromMicros(it->used_at.get());
    if (!it->new_email.null()) t.new_email = it->new_email.get();
    return t;
  });
}

void OdbAccountTokenRepository::markUsed(const Uuid& id, Timestamp at) {
  translateDatabaseFaults([&] {
    auto r = db_->load<AccountTokenRecord>(id.toString());
    r->used_at = toMicros(at);
    db_->update(*r);
  });
}

void OdbAccountTokenRepository::invalidateUnused(const Uuid& user_id, domain::AccountTokenKind kind,
                                                 Timestamp at) {
  translateDatabaseFaults([&] {
    std::vector<AccountTokenRecord> open;
    for (const auto& r : db_->query<AccountTokenRecord>(Query::user_id == user_id.toString() &&
                                                        Query::kind == domain::toString(kind) &&
                                                        Query::used_at.is_null())) {
      open.push_back(r);
    }
    for (auto& r : open) {
      r.used_at = toMicros(at);  // ended: a used or replaced token answers token_invalid
      db_->update(r);
    }
  });
}

void OdbResetRequestQueue::enqueue(const Uuid& id, const std::string& email, Timestamp at) {
  translateDatabaseFaults([&] {
    records::PasswordResetRequestRecord r;
    r.id = id.toString();
    r.email = email;
    r.requested_at = toMicros(at);
    db_->persist(r);
  });
}

std::vector<application::ResetRequestQueue::Pending> OdbResetRequestQueue::claim(
    std::size_t limit) {
  return translateDatabaseFaults([&] {
    using Q = odb::query<records::PasswordResetRequestRecord>;
    std::vector<Pending> out;
    for (const auto& r : db_->query<records::PasswordResetRequestRecord>(
             Q::processed_at.is_null() + "ORDER BY" + Q::requested_at + "LIMIT" +
             Q::_val(static_cast<long long>(limit)) + "FOR UPDATE SKIP LOCKED")) {
      out.push_back({*Uuid::parse(r.id), r.email});
    }
    return out;
  });
}

void OdbResetRequestQueue::markProcessed(const Uuid& id, Timestamp at) {
  translateDatabaseFaults([&] {
    auto r = db_->load<records::PasswordResetRequestRecord>(id.toString());
    r->processed_at = toMicros(at);
    db_->update(*r);
  });
}

}  // namespace authd::auth::infrastructure

namespace authd::auth::infrastructure {

std::size_t OdbAccountTokenRepository::pruneBefore(Timestamp cutoff) {
  return translateDatabaseFaults([&] {
    DbTransaction tx(*db_);
    const long long c = toMicros(cutoff);
    const auto n =
        db_->erase_query<AccountTokenRecord>(Query::expires_at < c || Query::used_at < c);
    tx.commit();
    return static_cast<std::size_t>(n);
  });
}

std::size_t OdbResetRequestQueue::pruneBefore(Timestamp cutoff) {
  return translateDatabaseFaults([&] {
    using Q = odb::query<records::PasswordResetRequestRecord>;
    DbTransaction tx(*db_);
    const auto n =
        db_->erase_query<records::PasswordResetRequestRecord>(Q::processed_at < toMicros(cutoff));
    tx.commit();
    return static_cast<std::size_t>(n);
  });
}

std::size_t OdbAccountTokenRepository::endAllUnused(Timestamp at) {
  return translateDatabaseFaults([&] {
    return static_cast<std::size_t>(
        db_->execute("UPDATE account_tokens SET used_at = to_timestamp(" +
                     std::to_string(toMicros(at)) + " / 1000000.0) WHERE used_at IS NULL"));
  });
}

}  // namespace authd::auth::infrastructure
