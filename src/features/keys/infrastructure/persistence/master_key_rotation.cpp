#include "features/keys/infrastructure/persistence/master_key_rotation.hpp"

#include <sodium.h>

#include <stdexcept>

#include <odb/transaction.hxx>

#include "account_token_record-odb.hxx"
#include "features/keys/infrastructure/persistence/odb_signing_key_store.hpp"
#include "mfa_record-odb.hxx"
#include "server_secret_record-odb.hxx"
#include "shared/infrastructure/odb_unit_of_work.hpp"
#include "signing_key_record-odb.hxx"

namespace authd::keys::infrastructure {
namespace {

using records::MailOutboxRecord;
using records::ServerSecretRecord;
using records::SigningKeyRecord;

// Re-seals `field` from `from` to `to`; false when it already opens with `to`.
bool reseal(std::string& field, const MasterKey& from, const MasterKey& to, RandomSource& random,
            const std::string& what) {
  // Opened into guarded memory (wiped when dropped): a key never sits in a plain buffer.
  if (const Secret plain = from.openSecret(field)) {
    field = to.sealSecretToText(*plain, random);
    return true;
  }
  if (to.openSecret(field)) return false;
  throw std::runtime_error(what + " opens with neither the current nor the new master key");
}

// Re-seals one sealed column of every matching row of a table, inside the caller's transaction.
struct Rekey {
  odb::pgsql::database& db;
  const MasterKey& from;
  const MasterKey& to;
  RandomSource& random;
  std::size_t& already;  // rows that already opened with `to`

  template <typename Record>
  std::size_t rows(const odb::query<Record>& q, std::string Record::*sealed,
                   std::string Record::*label, const char* what) const {
    std::vector<Record> matched;  // read first, then update: one statement at a time
    for (const auto& r : db.query<Record>(q)) matched.push_back(r);
    std::size_t done = 0;
    for (auto& r : matched) {
      if (!reseal(r.*sealed, from, to, random, std::string(what) + " " + r.*label)) {
        ++already;
        continue;
      }
      db.update(r);
      ++done;
    }
    return done;
  }
};

}  // namespace

MasterKeyRotation rotateMasterKey(const std::shared_ptr<odb::pgsql::database>& db,
                                  const MasterKey& from, const MasterKey& to,
                                  RandomSource& random) {
  return translateDatabaseFaults([&] {
    DbTransaction tx(*db);
    db->execute(kKeyMaterialLock);
    MasterKeyRotation out;
    const Rekey rekey{*db, from, to, random, out.already};
    // Revoked keys keep no private half.
    out.signing_keys = rekey.rows<SigningKeyRecord>(
        odb::query<SigningKeyRecord>::sealed_private_key != "",
        &SigningKeyRecord::sealed_private_key, &SigningKeyRecord::kid, "signing key");
    out.secrets = rekey.rows<ServerSecretRecord>({}, &ServerSecretRecord::sealed_value,
                                                 &ServerSecretRecord::name, "server secret");
    // Unsent mail only: sent and failed rows keep no content.
    out.mails = rekey.rows<MailOutboxRecord>(odb::query<MailOutboxRecord>::sealed_content != "",
                                             &MailOutboxRecord::sealed_content,
                                             &MailOutboxRecord::id, "outbox mail");
    out.mfa_secrets =
        rekey.rows<records::UserMfaRecord>({}, &records::UserMfaRecord::sealed_secret,
                                           &records::UserMfaRecord::user_id, "TOTP secret of user");
    tx.commit();
    return out;
  });
}

}  // namespace authd::keys::infrastructure
