#include "features/auth/infrastructure/persistence/odb_mfa_repository.hpp"

#include <stdexcept>

#include <nlohmann/json.hpp>

#include "mfa_record-odb.hxx"
#include "shared/core/encoding.hpp"
#include "shared/infrastructure/odb_unit_of_work.hpp"

namespace authd::auth::infrastructure {
namespace {

using records::MfaChallengeRecord;
using records::UserMfaRecord;

Bytes digestFrom(const std::string& text) {
  auto bytes = base64UrlDecode(text);
  if (!bytes) throw std::runtime_error("an MFA row holds a malformed digest");
  return std::move(*bytes);
}

Uuid uuidFrom(const std::string& text) {
  const auto id = Uuid::parse(text);
  if (!id) throw std::runtime_error("an MFA row holds a malformed UUID");
  return *id;
}

// The mapper: domain Mfa <-> user_mfa row.
UserMfaRecord toRecord(const domain::Mfa& mfa) {
  const auto& s = mfa.state();
  UserMfaRecord r;
  r.user_id = s.user_id.toString();
  r.status = s.status == domain::MfaStatus::Enabled ? "enabled" : "pending";
  r.sealed_secret = s.sealed_secret;
  if (s.last_step) r.last_step = *s.last_step;
  nlohmann::json digests = nlohmann::json::array();
  for (const auto& d : s.recovery_digests) digests.push_back(base64UrlEncode(d));
  r.recovery_digests = digests.dump();
  r.created_at = toMicros(s.created_at);
  r.updated_at = toMicros(s.updated_at);
  return r;
}

domain::Mfa toDomain(const UserMfaRecord& r) {
  domain::Mfa::State s;
  s.user_id = uuidFrom(r.user_id);
  if (r.status == "enabled") {
    s.status = domain::MfaStatus::Enabled;
  } else if (r.status == "pending") {
    s.status = domain::MfaStatus::Pending;
  } else {
    throw std::runtime_error("a user_mfa row has an unknown status");
  }
  s.sealed_secret = r.sealed_secret;
  if (!r.last_step.null()) s.last_step = r.last_step.get();
  try {
    for (const auto& d : nlohmann::json::parse(r.recovery_digests)) {
      s.recovery_digests.push_back(digestFrom(d.get<std::string>()));
    }
  } catch (const nlohmann::json::exception& e) {
    throw std::runtime_error(std::string("stored recovery digests are malformed: ") + e.what());
  }
  s.created_at = fromMicros(r.created_at);
  s.updated_at = fromMicros(r.updated_at);
  return domain::Mfa::fromState(std::move(s));
}

MfaChallengeRecord toRecord(const domain::MfaChallenge& c) {
  MfaChallengeRecord r;
  r.id = c.id.toString();
  r.user_id = c.user_id.toString();
  r.digest = base64UrlEncode(c.digest);
  r.password_fingerprint = base64UrlEncode(c.password_fingerprint);
  r.created_at = toMicros(c.created_at);
  r.expires_at = toMicros(c.expires_at);
  r.failures = c.failures;
  if (c.used_at) r.used_at = toMicros(*c.used_at);
  return r;
}

domain::MfaChallenge toDomain(const MfaChallengeRecord& r) {
  domain::MfaChallenge c;
  c.id = uuidFrom(r.id);
  c.user_id = uuidFrom(r.user_id);
  c.digest = digestFrom(r.digest);
  c.password_fingerprint = digestFrom(r.password_fingerprint);
  c.created_at = fromMicros(r.created_at);
  c.expires_at = fromMicros(r.expires_at);
  c.failures = r.failures;
  if (!r.used_at.null()) c.used_at = fromMicros(r.used_at.get());
  return c;
}

}  // namespace

std::optional<domain::Mfa> OdbMfaRepository::find(const Uuid& user_id) {
  return translateDatabaseFaults([&]() -> std::optional<domain::Mfa> {
    const auto r = db_->find<UserMfaRecord>(user_id.toString());
    if (!r) return std::nullopt;
    return toDomain(*r);
  });
}

void OdbMfaRepository::save(const domain::Mfa& mfa) {
  translateDatabaseFaults([&] {
    auto r = toRecord(mfa);
    // Callers hold the user's row lock, so no other transaction inserts this row meanwhile.
    if (db_->find<UserMfaRecord>(r.user_id)) {
      db_->update(r);
    } else {
      db_->persist(r);
    }
  });
}

void OdbMfaRepository::remove(const Uuid& user_id) {
  translateDatabaseFaults([&] {
    db_->erase_query<UserMfaRecord>(odb::query<UserMfaRecord>::user_id == user_id.toString());
  });
}

void OdbMfaChallengeStore::add(const domain::MfaChallenge& challenge) {
  translateDatabaseFaults([&] {
    auto r = toRecord(challenge);
    db_->persist(r);
  });
}

std::optional<domain::MfaChallenge> OdbMfaChallengeStore::findByDigestForUpdate(
    const Bytes& digest) {
  return translateDatabaseFaults([&]() -> std::optional<domain::MfaChallenge> {
    using Q = odb::query<MfaChallengeRecord>;
    auto rows =
        db_->query<MfaChallengeRecord>((Q::digest == base64UrlEncode(digest)) + "FOR UPDATE");
    auto it = rows.begin();
    if (it == rows.end()) return std::nullopt;
    return toDomain(*it);
  });
}

void OdbMfaChallengeStore::update(const domain::MfaChallenge& challenge) {
  translateDatabaseFaults([&] {
    auto r = toRecord(challenge);
    db_->update(r);
  });
}

std::size_t OdbMfaChallengeStore::pruneBefore(Timestamp cutoff) {
  return translateDatabaseFaults([&] {
    using Q = odb::query<MfaChallengeRecord>;
    DbTransaction tx(*db_);
    const auto n = db_->erase_query<MfaChallengeRecord>(Q::expires_at < toMicros(cutoff));
    tx.commit();
    return static_cast<std::size_t>(n);
  });
}

}  // namespace authd::auth::infrastructure
