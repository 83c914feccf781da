#include "features/keys/infrastructure/persistence/odb_signing_key_store.hpp"

#include <sodium.h>

#include <stdexcept>

#include <odb/transaction.hxx>

#include "shared/core/encoding.hpp"
#include "shared/infrastructure/odb_unit_of_work.hpp"
#include "signing_key_record-odb.hxx"

namespace authd::keys::infrastructure {
namespace {

using records::SigningKeyRecord;
using Q = odb::query<SigningKeyRecord>;

Bytes decodeStored(const std::string& text) {
  auto b = base64UrlDecode(text);
  if (!b) throw std::runtime_error("signing_keys row is malformed");
  return *b;
}

SigningKeyRecord newActiveKey(const MasterKey& master, RandomSource& random, Timestamp now) {
  Bytes pk(crypto_sign_PUBLICKEYBYTES);
  // Generated in guarded memory and sealed from there: no plain copy of the private key.
  const Secret sk = makeSecret(crypto_sign_SECRETKEYBYTES,
                               [&](unsigned char* out) { crypto_sign_keypair(pk.data(), out); });
  Bytes fingerprint(crypto_hash_sha256_BYTES);
  crypto_hash_sha256(fingerprint.data(), pk.data(), pk.size());
  SigningKeyRecord r;
  r.kid = base64UrlEncode(fingerprint.data(), 12);  // RFC 7638-style: derived from the key
  r.public_key = base64UrlEncode(pk);
  r.sealed_private_key = master.sealSecretToText(*sk, random);
  r.status = "active";
  r.created_at = toMicros(now);
  return r;
}

}  // namespace

namespace {

std::vector<SigningKeyRecord> rowsWith(odb::pgsql::database& db, const std::string& status) {
  std::vector<SigningKeyRecord> out;
  for (const auto& r : db.query<SigningKeyRecord>(Q::status == status)) out.push_back(r);
  return out;
}

// Retires every active key as of `now`.
std::string retireActive(odb::pgsql::database& db, Timestamp now) {
  std::string kid;
  for (auto& r : rowsWith(db, "active")) {
    kid = r.kid;
    r.status = "retired";
    r.retired_at = toMicros(now);
    db.update(r);
  }
  return kid;
}

}  // namespace

std::vector<domain::SigningKey> OdbSigningKeyStore::loadOrCreate() {
  return translateDatabaseFaults([&] {
    DbTransaction tx(*db_);
    db_->execute(kKeyMaterialLock);
    const Timestamp now = clock_.now();
    for (auto& due : rowsWith(*db_, "pending")) {
      if (due.activates_at.get() > toMicros(now)) continue;
      retireActive(*db_, now);
      due.status = "active";
      db_->update(due);
    }
    if (rowsWith(*db_, "active").empty()) {
      auto r = newActiveKey(master_, random_, now);
      db_->persist(r);
    }
    const long long oldest_retired = toMicros(now - retention_);
    std::vector<domain::SigningKey> keys;
    for (const auto& r :
         db_->query<SigningKeyRecord>(Q::status == "active" || Q::status == "pending" ||
                                      (Q::status == "retired" && Q::retired_at > oldest_retired))) {
      domain::SigningKey k;
      k.kid = r.kid;
      k.public_key = decodeStored(r.public_key);
      k.active = r.status == "active";
      k.created_at = fromMicros(r.created_at);
      if (!r.retired_at.null()) k.retired_at = fromMicros(r.retired_at.get());
      if (k.active) {
        k.secret_key = master_.openSecret(r.sealed_private_key);
        if (!k.secret_key) {
          throw std::runtime_error(
              "the active signing key cannot be unsealed: wrong AUTH_MASTER_KEY?");
        }
      }
      keys.push_back(std::move(k));
    }
    tx.commit();
    return keys;
  });
}

OdbSigningKeyStore::Rotation OdbSigningKeyStore::rotate(Seconds activation_delay) {
  return translateDatabaseFaults([&] {
    DbTransaction tx(*db_);
    db_->execute(kKeyMaterialLock);
    const Timestamp now = clock_.now();
    Rotation out;
    // A pending key has signed nothing: a newer rotation simply replaces it.
    for (const auto& r : rowsWith(*db_, "pending")) {
      out.replaced_kid = r.kid;
      db_->erase(r);
    }
    auto fresh = newActiveKey(master_, random_, now);
    out.new_kid = fresh.kid;
    out.activates_at = now + activation_delay;
    if (activation_delay.count() <= 0) {
      out.retired_kid = retireActive(*db_, now);
    } else {
      fresh.status = "pending";
      fresh.activates_at = toMicros(out.activates_at);
    }
    db_->persist(fresh);
    out.pruned = db_->erase_query<SigningKeyRecord>(Q::status == "retired" &&
                                                    Q::retired_at <= toMicros(now - retention_));
    tx.commit();
    return out;
  });
}

OdbSigningKeyStore::Revocation OdbSigningKeyStore::revoke(const std::string& kid) {
  return translateDatabaseFaults([&] {
    DbTransaction tx(*db_);
    db_->execute(kKeyMaterialLock);
    auto row = db_->find<SigningKeyRecord>(kid);
    Revocation out = Revocation::Revoked;
    if (!row) {
      out = Revocation::Unknown;
    } else if (row->status == "active") {
      out = Revocation::Active;
    } else if (row->status == "revoked") {
      out = Revocation::AlreadyRevoked;
    } else {
      row->status = "revoked";
      row->revoked_at = toMicros(clock_.now());
      row->sealed_private_key = "";  // a revoked key never signs again: keep nothing to leak
      db_->update(*row);
    }
    tx.commit();
    return out;
  });
}

}  // namespace authd::keys::infrastructure
