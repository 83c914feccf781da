#include "features/keys/infrastructure/persistence/odb_server_secret_store.hpp"

#include <stdexcept>

#include <odb/transaction.hxx>

#include "features/keys/infrastructure/persistence/odb_signing_key_store.hpp"
#include "server_secret_record-odb.hxx"
#include "shared/infrastructure/odb_unit_of_work.hpp"

namespace authd::keys::infrastructure {
using records::ServerSecretRecord;

Secret OdbServerSecretStore::loadOrCreate(const std::string& name,
                                          const std::function<Secret()>& initial) {
  return translateDatabaseFaults([&] {
    DbTransaction tx(*db_);
    db_->execute(kKeyMaterialLock);
    auto stored = db_->find<ServerSecretRecord>(name);
    if (!stored) {
      Secret value = initial();
      ServerSecretRecord r;
      r.name = name;
      r.sealed_value = master_.sealSecretToText(*value, random_);
      r.created_at = toMicros(clock_.now());
      db_->persist(r);
      tx.commit();
      return value;
    }
    Secret value = master_.openSecret(stored->sealed_value);
    if (!value) {
      throw std::runtime_error("server secret '" + name +
                               "' cannot be unsealed: wrong AUTH_MASTER_KEY?");
    }
    tx.commit();
    return value;
  });
}

void OdbServerSecretStore::replace(const std::string& name, const SecretBytes& value) {
  translateDatabaseFaults([&] {
    ServerSecretRecord r;
    r.name = name;
    r.sealed_value = master_.sealSecretToText(value, random_);
    r.created_at = toMicros(clock_.now());
    if (db_->find<ServerSecretRecord>(name)) {
      db_->update(r);
    } else {
      db_->persist(r);
    }
  });
}

}  // namespace authd::keys::infrastructure
