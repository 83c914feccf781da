#include "features/auth/infrastructure/persistence/odb_signing_key_store.hpp"

#include <stdexcept>

#include <odb/transaction.hxx>
#include <sodium.h>

#include "shared/core/encoding.hpp"
#include "shared/infrastructure/odb_unit_of_work.hpp"
#include "signing_key_record-odb.hxx"

namespace authd::auth::infrastructure {
namespace {

using records::SigningKeyRecord;

Bytes decodeStored(const std::string& text) {
  auto b = base64UrlDecode(text);
  if (!b) throw std::runtime_error("signing_keys row is malformed");
  return *b;
}

}  // namespace

std::vector<SigningKey> OdbSigningKeyStore::loadOrCreate() {
  return translateDatabaseFaults([&] {
    odb::transaction tx(db_->begin());
    // Arbitrary constant naming "authd signing keys" among advisory locks.
    db_->execute("SELECT pg_advisory_xact_lock(7236002)");
    auto active = db_->query<SigningKeyRecord>(odb::query<SigningKeyRecord>::status == "active");
    if (active.begin() == active.end()) {
      Bytes pk(crypto_sign_PUBLICKEYBYTES), sk(crypto_sign_SECRETKEYBYTES);
      crypto_sign_keypair(pk.data(), sk.data());
      Bytes fingerprint(crypto_hash_sha256_BYTES);
      crypto_hash_sha256(fingerprint.data(), pk.data(), pk.size());
      SigningKeyRecord r;
      r.kid = base64UrlEncode(fingerprint.data(), 12);  // RFC 7638-style: derived from the key
      r.public_key = base64UrlEncode(pk);
      r.sealed_private_key = base64UrlEncode(master_.seal(sk, random_));
      sodium_memzero(sk.data(), sk.size());
      r.status = "active";
      r.created_at = toMicros(clock_.now());
      db_->persist(r);
    }
    std::vector<SigningKey> keys;
    for (const auto& r : db_->query<SigningKeyRecord>()) {
      SigningKey k;
      k.kid = r.kid;
      k.public_key = decodeStored(r.public_key);
      k.active = r.status == "active";
      k.created_at = fromMicros(r.created_at);
      if (!r.retired_at.null()) k.retired_at = fromMicros(r.retired_at.get());
      if (k.active) {
        auto sk = master_.open(decodeStored(r.sealed_private_key));
        if (!sk) {
          throw std::runtime_error("the active signing key cannot be unsealed: wrong AUTH_MASTER_KEY?");
        }
        k.secret_key = std::move(*sk);
      }
      keys.push_back(std::move(k));
    }
    tx.commit();
    return keys;
  });
}

}  // namespace authd::auth::infrastructure
