#include "app/wiring.hpp"

#include <sodium.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <limits>

#include "features/auth/infrastructure/mail/smtp_mailer.hpp"

namespace authd::app {
namespace {

namespace ai = auth::infrastructure;
namespace ki = keys::infrastructure;

// A server secret, created on first use with the value earlier versions derived from the
// master key, so an upgrade keeps every refresh token and pending mail link valid.
Secret secret(ki::OdbServerSecretStore& secrets, const ki::MasterKey& master,
              const ServerSecretSpec& spec) {
  return secrets.loadOrCreate(spec.name, [&] { return master.derive(spec.context, spec.id); });
}

std::unique_ptr<auth::application::Mailer> mailerFor(const Config& c) {
  if (!c.smtp_url.empty()) {
    return std::make_unique<ai::SmtpMailer>(ai::SmtpConfig{c.smtp_url, c.mail_from, c.smtp_starttls,
                                                           c.smtp_username, c.smtp_password, 15});
  }
  if (c.dev_mode) return std::make_unique<ai::LogMailer>();
  spdlog::warn("AUTH_SMTP_URL is not set: verification and reset mail stays in the outbox");
  return nullptr;
}

}  // namespace

Seconds keyRetention(const Config& c) { return c.access_ttl + ai::AccessTokenConfig{}.leeway; }

Wiring::Wiring(const Config& c, std::shared_ptr<odb::pgsql::database> database,
               const ki::MasterKey& master)
    : login_window(c.login_window),
      event_retention_days(c.event_retention_days),
      db(std::move(database)),
      key_store(db, master, random, clock, keyRetention(c)),
      tokens_crypto(key_store.loadOrCreate(), {c.issuer, c.audience, c.access_ttl}, random),
      list_public_keys(tokens_crypto),
      secrets(db, master, random, clock),
      argon2(c.argon2_opslimit, c.argon2_memlimit),
      // Hashing routes run on a pool of 2 x AUTH_HASH_CONCURRENCY threads (so their database
      // work overlaps the hashing); the hasher admits AUTH_HASH_CONCURRENCY at once, which is
      // what bounds Argon2id's memory.
      hasher(argon2,
             {c.hash_concurrency, c.hash_concurrency, std::chrono::milliseconds(c.hash_wait_ms)}),
      login_throttle(db, secret(secrets, master, kLoginIdentifierDigest)),
      refresh_hasher(secret(secrets, master, kRefreshTokenDigest),
                     secret(secrets, master, kRefreshTokenSuccessor)),
      uow(db),
      users(db),
      user_statements(db),
      audit_log(db),
      audit(audit_log, clock, random),
      tokens(random, refresh_hasher, tokens_crypto, c.sessions),
      register_user(uow, users, hasher, tokens, audit, clock, random,
                    users::domain::PasswordPolicy::standard()),
      refresh_session(uow, users, user_statements, tokens, audit, clock),
      session_deps{uow, users, tokens, audit, clock},
      logout(session_deps),
      logout_all(session_deps),
      revoke_token(session_deps, tokens_crypto),
      revoke_session(session_deps),
      list_sessions(session_deps, c.sessions),
      delete_account(uow, users, hasher, audit, clock, login_throttle,
                     {c.login_max_fails, c.login_window}),
      list_events(uow, audit_log),
      admin_accounts(session_deps, audit_log, c.sessions),
      authenticate(user_statements, tokens_crypto, clock, c.sessions),
      introspect(authenticate),
      account_tokens(db),
      sealer(master, random),
      outbox(db, sealer, random, clock),
      templates(c.public_url),
      change_password(uow, users, hasher, audit, clock, users::domain::PasswordPolicy::standard(),
                      login_throttle, outbox, templates, account_tokens,
                      {c.login_max_fails, c.login_window}),
      lifecycle{uow,
                users,
                account_tokens,
                outbox,
                templates,
                refresh_hasher,
                audit,
                clock,
                random,
                {c.mail_per_minute, c.mail_per_hour}},
      request_verification(lifecycle),
      verify_email(lifecycle),
      reset_queue(db),
      request_reset(lifecycle, reset_queue),
      process_resets(lifecycle, reset_queue),
      confirm_reset(lifecycle, hasher, users::domain::PasswordPolicy::standard(), login_throttle),
      lift_lockout(uow, users, login_throttle, audit),
      request_email_change(lifecycle, hasher, login_throttle, {c.login_max_fails, c.login_window}),
      confirm_email_change(lifecycle),
      mfa_records(db),
      mfa_challenges(db),
      recovery_hasher(secrets.loadOrCreate(
          kRecoveryCodeDigest,
          [] { return makeSecret(32, [](unsigned char* out) { randombytes_buf(out, 32); }); })),
      mfa{uow,
          users,
          mfa_records,
          mfa_challenges,
          sealer,
          one_time_codes,
          recovery_hasher,
          refresh_hasher,
          audit,
          clock,
          random,
          login_throttle,
          {c.login_max_fails, c.login_window},
          outbox,
          templates,
          c.totp_issuer},
      mfa_challenge_issuer(mfa),
      login_user(uow, users, hasher, tokens, audit, clock, login_throttle,
                 {c.login_max_fails, c.login_window}, &mfa_challenge_issuer),
      start_totp(mfa, hasher),
      confirm_totp(mfa),
      disable_totp(mfa, hasher),
      regenerate_recovery_codes(mfa),
      complete_mfa_login(mfa, tokens),
      reset_mfa(mfa),
      get_profile(user_statements),
      update_profile(uow, users, audit, clock),
      list_users(uow, users),
      get_user(uow, users),
      change_role(uow, users, audit, clock),
      readiness(db, bundledMigrations()),
      mailer(mailerFor(c)),
      key_reload_(c.key_reload_interval, [this] { reloadKeys(); }),
      retention_(c.retention_sweep_interval, [this] { pruneOldRows(); }),
      status_refresh_(Seconds(5), [this] { refreshStatus(); }) {
  refreshStatus();
  // A token with a kid we do not hold may come from an instance that already rotated: reload
  // at once instead of waiting for the period. Made-up kids cost at most one key read every
  // two seconds.
  tokens_crypto.setKeyRefresher([this] {
    const std::int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                                 std::chrono::steady_clock::now().time_since_epoch())
                                 .count();
    std::int64_t last = last_forced_reload_.load();
    if (now - last < 2 || !last_forced_reload_.compare_exchange_strong(last, now)) return;
    reloadKeys();
  });
  if (mailer) {
    ai::OutboxWorkerConfig worker;
    worker.poll = std::chrono::milliseconds(c.mail_poll_ms);
    worker.retry_base = std::chrono::milliseconds(c.mail_retry_base_ms);
    mail_worker = std::make_unique<ai::OutboxWorker>(outbox, *mailer, clock, worker, [this] {
      while (process_resets.execute() > 0) {
      }
    });
  }
  // One identifier costs the same on every instance: they share the key that picks its dummy.
  argon2.setPickKey(*secret(secrets, master, kLoginIdentifierDigest));
  matchDummyHashes();  // pay for the dummy hashes at start-up, not on the first unknown login
}

void Wiring::refreshStatus() {
  try {
    ready_ = readiness.isCurrent() ? 1.0 : 0.0;
  } catch (const std::exception&) {
    ready_ = 0.0;
  }
  try {
    outbox_backlog_ = static_cast<double>(outbox.backlog());
  } catch (const std::exception&) {
    outbox_backlog_ = std::numeric_limits<double>::quiet_NaN();
  }
}

void Wiring::reloadKeys() {
  try {
    const auto before = tokens_crypto.activeKid();
    tokens_crypto.replaceKeys(key_store.loadOrCreate());
    if (tokens_crypto.activeKid() != before) {
      spdlog::info("signing key {} is now active (was {})", tokens_crypto.activeKid(), before);
    }
  } catch (const std::exception& e) {
    spdlog::error("signing keys not reloaded, keeping the current ones: {}", e.what());
  }
}

void Wiring::matchDummyHashes() {
  try {
    std::vector<ai::StoredHashSetting> mix;
    for (const auto& [setting, accounts] : users.passwordHashSettings()) {
      mix.push_back({setting, accounts});
    }
    argon2.matchStoredSettings(mix);
  } catch (const std::exception& e) {
    // The dummies stay as they were (at first: the configured cost); serving goes on.
    spdlog::warn("dummy hashes not matched to the stored hashes this time: {}", e.what());
  }
  (void)argon2.dummyHash("");  // with no stored hash yet: one at the configured cost, now
}

void Wiring::pruneOldRows() {
  try {
    matchDummyHashes();  // re-hashes at login shift the mix over time
    const Timestamp now = clock.now();
    const Timestamp spent = now - kSpentRowRetention;
    const std::size_t tokens =
        account_tokens.pruneBefore(spent) + mfa_challenges.pruneBefore(spent);
    const std::size_t mail = outbox.pruneBefore(spent);
    const std::size_t resets = reset_queue.pruneBefore(spent);
    const std::size_t failures =
        login_throttle.pruneBefore(now - login_window - kLoginFailureGrace);
    const std::size_t events = audit_log.pruneBefore(now - Seconds(86400LL * event_retention_days));
    if (tokens + mail + resets + failures + events > 0) {
      spdlog::info(
          "retention: pruned {} account tokens, {} mails, {} reset requests, {} lockout counts, "
          "{} audit events",
          tokens, mail, resets, failures, events);
    }
  } catch (const std::exception& e) {
    spdlog::warn("retention: not pruned this time: {}", e.what());
  }
}

void Wiring::stopMail() {
  if (mail_worker) mail_worker->stop();
}

}  // namespace authd::app
