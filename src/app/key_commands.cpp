// The keys feature's commands: `authd rotate-keys [--now]`, `authd revoke-key KID`,
// `authd rotate-secrets` and `authd rotate-master-key`. The work is in the adapters; this is
// the command-line glue (configuration, one transaction where several tables change, logs).
#include <sodium.h>
#include <spdlog/spdlog.h>

#include "app/command_support.hpp"
#include "app/commands.hpp"
#include "app/wiring.hpp"
#include "features/auth/infrastructure/mail/odb_mail_outbox.hpp"
#include "features/auth/infrastructure/persistence/odb_account_token_repository.hpp"
#include "features/auth/infrastructure/persistence/odb_login_throttle.hpp"
#include "features/keys/infrastructure/persistence/master_key_rotation.hpp"
#include "features/keys/infrastructure/persistence/odb_server_secret_store.hpp"
#include "features/keys/infrastructure/persistence/odb_signing_key_store.hpp"
#include "features/users/infrastructure/persistence/odb_user_repository.hpp"
#include "shared/infrastructure/db_transaction.hpp"

namespace authd::app {

int rotateKeys(const Config& c, bool now) {
  return runCommand("rotate-keys", [&] {
    auto master = masterKey(c);
    if (!master) return 1;
    SystemClock clock;
    SodiumRandomSource random;
    if (!now && c.key_activation_delay < c.jwks_max_age + c.key_reload_interval) {
      spdlog::warn(
          "AUTH_KEY_ACTIVATION_DELAY ({} s) is shorter than AUTH_JWKS_MAX_AGE + "
          "AUTH_KEY_RELOAD_INTERVAL ({} s): a relying service may meet the new kid before its "
          "cached JWKS has it",
          c.key_activation_delay.count(), (c.jwks_max_age + c.key_reload_interval).count());
    }
    const auto rotation = keys::infrastructure::OdbSigningKeyStore(database(c), *master, random,
                                                                   clock, keyRetention(c))
                              .rotate(now ? Seconds(0) : c.key_activation_delay);
    if (!rotation.replaced_kid.empty()) {
      spdlog::info("pending key {} (it had not signed yet) is replaced", rotation.replaced_kid);
    }
    if (now) {
      spdlog::info(
          "signing key {} is active now; {} retired (published for {} s more unless revoked); {} "
          "expired key(s) deleted",
          rotation.new_kid, rotation.retired_kid.empty() ? "none" : rotation.retired_kid,
          keyRetention(c).count(), rotation.pruned);
      spdlog::info("running instances switch within AUTH_KEY_RELOAD_INTERVAL ({} s)",
                   c.key_reload_interval.count());
    } else {
      spdlog::info(
          "signing key {} is published now and signs from {} (AUTH_KEY_ACTIVATION_DELAY {} s); "
          "{} expired key(s) deleted",
          rotation.new_kid, formatRfc3339(rotation.activates_at), c.key_activation_delay.count(),
          rotation.pruned);
    }
    return 0;
  });
}

int revokeKey(const Config& c, const std::string& kid) {
  return runCommand("revoke-key", [&] {
    auto master = masterKey(c);
    if (!master) return 1;
    SystemClock clock;
    SodiumRandomSource random;
    using R = keys::infrastructure::OdbSigningKeyStore::Revocation;
    switch (keys::infrastructure::OdbSigningKeyStore(database(c), *master, random, clock,
                                                     keyRetention(c))
                .revoke(kid)) {
      case R::Revoked:
        spdlog::info(
            "signing key {} is revoked: out of the JWKS, and its tokens are refused by every "
            "instance within AUTH_KEY_RELOAD_INTERVAL ({} s)",
            kid, c.key_reload_interval.count());
        return 0;
      case R::AlreadyRevoked:
        spdlog::info("signing key {} was already revoked", kid);
        return 0;
      case R::Active:
        spdlog::error("signing key {} is the active key: run `authd rotate-keys --now` first", kid);
        return 1;
      case R::Unknown:
        break;
    }
    spdlog::error("no signing key has the kid {}", kid);
    return 1;
  });
}

int rotateSecrets(const Config& c) {
  return runCommand("rotate-secrets", [&] {
    auto master = masterKey(c);
    if (!master) return 1;
    auto db = database(c);
    SystemClock clock;
    SodiumRandomSource random;
    keys::infrastructure::OdbServerSecretStore secrets(db, *master, random, clock);
    users::infrastructure::OdbUserRepository users(db);
    auth::infrastructure::OdbAccountTokenRepository account_tokens(db);
    keys::infrastructure::MasterKeySealer sealer(*master, random);
    auth::infrastructure::OdbMailOutbox outbox(db, sealer, random, clock);
    // One transaction: fresh digest keys and the end of everything keyed by the old ones.
    DbTransaction tx(*db);
    db->execute(keys::infrastructure::kKeyMaterialLock);
    for (const auto& spec : kServerSecrets) {
      // Random, not derived: the old master key, if it leaked, must not give the new values.
      secrets.replace(spec.name,
                      *makeSecret(32, [](unsigned char* out) { randombytes_buf(out, 32); }));
    }
    const std::size_t sessions = users.endAllSessions();
    const std::size_t links = account_tokens.endAllUnused(clock.now());
    const std::size_t mails = outbox.abandonUnsentLinks();  // their links are dead now
    const std::size_t counts = auth::infrastructure::OdbLoginThrottle::forgetAll(*db);
    tx.commit();
    spdlog::info(
        "digest keys replaced; sessions of {} account(s) ended, {} unused mail link(s) ended ({} "
        "unsent), {} lockout count(s) forgotten",
        sessions, links, mails, counts);
    spdlog::warn(
        "restart every instance now: until then they still use the old keys, and sessions they "
        "open end at the restart too");
    return 0;
  });
}

int rotateMasterKey(const Config& c) {
  return runCommand("rotate-master-key", [&] {
    auto current = masterKey(c);
    if (!current) return 1;
    if (!c.new_master_key) {
      spdlog::critical("AUTH_NEW_MASTER_KEY is not set: give the new key (32 bytes, base64)");
      return 1;
    }
    auto next = keys::infrastructure::MasterKey::fromBase64(*c.new_master_key);
    if (!next) {
      spdlog::critical("AUTH_NEW_MASTER_KEY must be 32 bytes, base64-encoded");
      return 1;
    }
    SodiumRandomSource random;
    const auto r = keys::infrastructure::rotateMasterKey(database(c), *current, *next, random);
    spdlog::info(
        "re-sealed {} signing key(s), {} secret(s), {} unsent mail(s) and {} TOTP secret(s) ({} "
        "already under the new key)",
        r.signing_keys, r.secrets, r.mails, r.mfa_secrets, r.already);
    spdlog::info("restart every instance with AUTH_MASTER_KEY set to the new key");
    spdlog::info(
        "the digest keys were first derived from a master key: if the old one may have leaked, "
        "run `authd rotate-secrets` too (it ends every session)");
    return 0;
  });
}

}  // namespace authd::app
