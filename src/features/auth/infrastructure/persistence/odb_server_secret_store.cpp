#include "features/auth/infrastructure/persistence/odb_server_secret_store.hpp"

#include <stdexcept>

#include <odb/transaction.hxx>
#include <sodium.h>

#include "account_token_record-odb.hxx"
#include "server_secret_record-odb.hxx"
#include "shared/core/encoding.hpp"
#include "shared/infrastructure/odb_unit_of_work.hpp"
#include "signing_key_record-odb.hxx"

namespace authd::auth::infrastructure {
namespace {

using records::MailOutboxRecord;
using records::ServerSecretRecord;
using records::SigningKeyRecord;

// The signing-key lock: secrets and keys change together under one lock.
constexpr const char* kLock = "SELECT pg_advisory_xact_lock(7236002)";

std::optional<Bytes> openStored(const MasterKey& key, const std::string& text) {
  auto sealed = base64UrlDecode(text);
  if (!sealed) return std::nullopt;
  return key.open(*sealed);
}

// Re-seals `field` from `from` to `to`; false when it already opens with `to`.
bool reseal(std::string& field, const MasterKey& from, const MasterKey& to, RandomSource& random,
            const std::string& what) {
  if (auto plain = openStored(from, field)) {
    field = base64UrlEncode(to.seal(*plain, random));
    sodium_memzero(plain->data(), plain->size());
    return true;
  }
  if (openStored(to, field)) return false;
  throw std::runtime_error(what + " opens with neither the current nor the new master key");
}

}  // namespace

Bytes OdbServerSecretStore::loadOrCreate(const std::string& name,
                                         const std::function<Bytes()>& initial) {
  return translateDatabaseFaults([&] {
    odb::transaction tx(db_->begin());
    db_->execute(kLock);
    auto stored = db_->find<ServerSecretRecord>(name);
    if (!stored) {
      Bytes value = initial();
      ServerSecretRecord r;
      r.name = name;
      r.sealed_value = base64UrlEncode(master_.seal(value, random_));
      r.created_at = toMicros(clock_.now());
      db_->persist(r);
      tx.commit();
      return value;
    }
    auto value = openStored(master_, stored->sealed_value);
    if (!value) {
      throw std::runtime_error("server secret '" + name + "' cannot be unsealed: wrong AUTH_MASTER_KEY?");
    }
    tx.commit();
    return *value;
  });
}

MasterKeyRotation rotateMasterKey(const std::shared_ptr<odb::pgsql::database>& db,
                                  const MasterKey& from, const MasterKey& to, RandomSource& random) {
  return translateDatabaseFaults([&] {
    odb::transaction tx(db->begin());
    db->execute(kLock);
    MasterKeyRotation out;
    std::vector<SigningKeyRecord> keys;
    for (const auto& r : db->query<SigningKeyRecord>()) keys.push_back(r);
    for (auto& r : keys) {
      if (!reseal(r.sealed_private_key, from, to, random, "signing key " + r.kid)) {
        ++out.already;
        continue;
      }
      db->update(r);
      ++out.signing_keys;
    }
    std::vector<ServerSecretRecord> secrets;
    for (const auto& r : db->query<ServerSecretRecord>()) secrets.push_back(r);
    for (auto& r : secrets) {
      if (!reseal(r.sealed_value, from, to, random, "server secret " + r.name)) {
        ++out.already;
        continue;
      }
      db->update(r);
      ++out.secrets;
    }
    // Unsent mail only: sent and failed rows keep no content.
    using MQ = odb::query<MailOutboxRecord>;
    std::vector<MailOutboxRecord> mails;
    for (const auto& r : db->query<MailOutboxRecord>(MQ::sealed_content != "")) mails.push_back(r);
    for (auto& r : mails) {
      if (!reseal(r.sealed_content, from, to, random, "outbox mail " + r.id)) {
        ++out.already;
        continue;
      }
      db->update(r);
      ++out.mails;
    }
    tx.commit();
    return out;
  });
}

}  // namespace authd::auth::infrastructure
