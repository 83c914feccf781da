// The keys feature's commands: `authd rotate-keys` and `authd rotate-master-key`. The work is
// in features/keys/infrastructure; this is the command-line glue (configuration, log lines).
#include <spdlog/spdlog.h>

#include "app/command_support.hpp"
#include "app/commands.hpp"
#include "app/wiring.hpp"
#include "features/keys/infrastructure/persistence/master_key_rotation.hpp"
#include "features/keys/infrastructure/persistence/odb_signing_key_store.hpp"

namespace authd::app {

int rotateKeys(const Config& c) {
  return runCommand("rotate-keys", [&] {
    auto master = masterKey(c);
    if (!master) return 1;
    SystemClock clock;
    SodiumRandomSource random;
    auto rotation = keys::infrastructure::OdbSigningKeyStore(database(c), *master, random, clock,
                                                             keyRetention(c))
                        .rotate();
    spdlog::info(
        "signing key {} is active; {} retired (published for {} s more); {} expired key(s) deleted",
        rotation.new_kid, rotation.retired_kid.empty() ? "none" : rotation.retired_kid,
        keyRetention(c).count(), rotation.pruned);
    spdlog::info("running instances switch within AUTH_KEY_RELOAD_INTERVAL ({} s)",
                 c.key_reload_interval.count());
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
        "re-sealed {} signing key(s), {} secret(s) and {} unsent mail(s) ({} already under the new "
        "key)",
        r.signing_keys, r.secrets, r.mails, r.already);
    spdlog::info("restart every instance with AUTH_MASTER_KEY set to the new key");
    return 0;
  });
}

}  // namespace authd::app
