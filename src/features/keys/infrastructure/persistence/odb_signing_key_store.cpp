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

std::vector<domain::SigningKey> OdbSigningKeyStore::loadOrCreate() {
  return translateDatabaseFaults([&] {
    DbTransaction tx(*db_);
    db_->execute(kKeyMaterialLock);
    const Timestamp now = clock_.now();
    auto active = db_->query<SigningKeyRecord>(Q::status == "active");
    if (active.begin() == active.end()) {
      auto r = newActiveKey(master_, random_, now);
      db_->persist(r);
    }
    const long long oldest_retired = toMicros(now - retention_);
    std::vector<domain::SigningKey> keys;
    for (const auto& r : db_->query<SigningKeyRecord>(
             Q::status == "active" || (Q::status == "retired" && Q::retired_at > oldest_retired))) {
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

OdbSigningKeyStore::Rotation OdbSigningKeyStore::rotate() {
  return translateDatabaseFaults([&] {
    DbTransaction tx(*db_);
    db_->execute(kKeyMaterialLock);
    const Timestamp now = clock_.now();
    Rotation out;
    std::vector<SigningKeyRecord> active;
    for (const auto& r : db_->query<SigningKeyRecord>(Q::status == "active")) active.push_back(r);
    for (auto& r : active) {
      out.retired_kid = r.kid;
      r.status = "retired";
      r.retired_at = toMicros(now);
      db_->update(r);
    }
    auto fresh = newActiveKey(master_, random_, now);
    out.new_kid = fresh.kid;
    db_->persist(fresh);
    out.pruned = db_->erase_query<SigningKeyRecord>(Q::status == "retired" &&
                                                    Q::retired_at <= toMicros(now - retention_));
    tx.commit();
    return out;
  });
}

}  // namespace authd::keys::infrastructure
