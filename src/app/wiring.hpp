// The object graph of `authd serve`: every adapter and use case, constructed once, in the
// order the members are declared (each takes only members declared before it), and destroyed
// in the reverse order. The composition root: the only place that constructs adapters.
#pragma once

#include <atomic>
#include <cstdint>
#include <limits>
#include <memory>

#include <odb/pgsql/database.hxx>

#include "app/config.hpp"
#include "app/periodic_task.hpp"
#include "features/auth/application/use_cases/account.hpp"
#include "features/auth/application/use_cases/account_lifecycle.hpp"
#include "features/auth/application/use_cases/admin_accounts.hpp"
#include "features/auth/application/use_cases/authenticate.hpp"
#include "features/auth/application/use_cases/login_user.hpp"
#include "features/auth/application/use_cases/mfa.hpp"
#include "features/auth/application/use_cases/refresh_session.hpp"
#include "features/auth/application/use_cases/register_user.hpp"
#include "features/auth/application/use_cases/session_management.hpp"
#include "features/auth/infrastructure/crypto/bounded_password_hasher.hpp"
#include "features/auth/infrastructure/crypto/ed25519_access_token_issuer.hpp"
#include "features/auth/infrastructure/crypto/openssl_one_time_codes.hpp"
#include "features/auth/infrastructure/crypto/sodium_password_hasher.hpp"
#include "features/auth/infrastructure/crypto/sodium_refresh_token_hasher.hpp"
#include "features/auth/infrastructure/mail/embedded_mail_templates.hpp"
#include "features/auth/infrastructure/mail/odb_mail_outbox.hpp"
#include "features/auth/infrastructure/mail/outbox_worker.hpp"
#include "features/auth/infrastructure/persistence/odb_account_token_repository.hpp"
#include "features/auth/infrastructure/persistence/odb_login_throttle.hpp"
#include "features/auth/infrastructure/persistence/odb_mfa_repository.hpp"
#include "features/keys/application/use_cases/list_public_keys.hpp"
#include "features/keys/infrastructure/crypto/master_key.hpp"
#include "features/keys/infrastructure/persistence/odb_server_secret_store.hpp"
#include "features/keys/infrastructure/persistence/odb_signing_key_store.hpp"
#include "features/users/application/use_cases/admin_users.hpp"
#include "features/users/application/use_cases/update_profile.hpp"
#include "features/users/infrastructure/persistence/odb_audit_log.hpp"
#include "features/users/infrastructure/persistence/odb_user_repository.hpp"
#include "features/users/infrastructure/persistence/pg_user_statements.hpp"
#include "shared/infrastructure/migration_runner.hpp"
#include "shared/infrastructure/odb_unit_of_work.hpp"
#include "shared/infrastructure/sodium_random_source.hpp"
#include "shared/infrastructure/system_clock.hpp"

namespace authd::app {

// The digest keys in server_secrets: the name, and the master-key derivation (context, id)
// that gives their first value (what earlier versions derived, so upgrades keep every refresh
// token valid). `authd rotate-secrets` replaces them with random values.
struct ServerSecretSpec {
  const char* name;
  const char* context;
  std::uint64_t id;
};
inline constexpr ServerSecretSpec kLoginIdentifierDigest{"login_identifier_digest", "authd_lt", 1};
inline constexpr ServerSecretSpec kRefreshTokenDigest{"refresh_token_digest", "authd_rt", 1};
inline constexpr ServerSecretSpec kRefreshTokenSuccessor{"refresh_token_successor", "authd_rt", 2};
inline constexpr ServerSecretSpec kServerSecrets[] = {kLoginIdentifierDigest, kRefreshTokenDigest,
                                                      kRefreshTokenSuccessor};
// The key of the recovery codes' digests: not in kServerSecrets, so `rotate-secrets` leaves it
// (a new key would void every user's recovery codes). Created random on first use.
inline constexpr const char* kRecoveryCodeDigest = "recovery_code_digest";

// How long a retired signing key stays published and trusted: the access-token lifetime plus
// the verification leeway, by when every token it signed has expired.
Seconds keyRetention(const Config& config);

// How long spent rows stay before pruneOldRows() deletes them: used or expired account tokens,
// sent or abandoned mail and processed reset requests (kept a week for investigations; none
// holds a secret any more), lockout counts a day past their window, audit events
// AUTH_EVENT_RETENTION_DAYS.
inline constexpr Seconds kSpentRowRetention{7 * 86400};
inline constexpr Seconds kLoginFailureGrace{86400};

struct Wiring {
  // Builds the graph (reads or creates the signing keys and server secrets, pays for the
  // dummy hash) and starts the key reload and, when a mailer is configured, the mail worker.
  // Throws on infrastructure faults.
  Wiring(const Config& config, std::shared_ptr<odb::pgsql::database> db,
         const keys::infrastructure::MasterKey& master);
  Wiring(const Wiring&) = delete;
  Wiring& operator=(const Wiring&) = delete;

  // Re-reads the signing keys (another instance or `authd rotate-keys` may have rotated);
  // keeps the current set, logging, when that fails.
  void reloadKeys();
  // Stops sending mail; what is not sent stays in the outbox.
  void stopMail();
  // Deletes rows past their retention (above); run every AUTH_RETENTION_SWEEP_INTERVAL.
  // Logs and carries on when the database is away.
  void pruneOldRows();
  // Makes the dummy hash of unknown accounts cost what stored hashes cost (finding 9 of the
  // security review): run at start-up and with every retention sweep.
  void matchDummyHashes();

  // What pruneOldRows needs of the configuration (not the whole Config: it holds the master
  // key's text).
  const Seconds login_window;
  const int event_retention_days;
  std::shared_ptr<odb::pgsql::database> db;
  SystemClock clock;
  SodiumRandomSource random;
  keys::infrastructure::OdbSigningKeyStore key_store;
  auth::infrastructure::Ed25519AccessTokenIssuer tokens_crypto;
  keys::application::ListPublicKeys list_public_keys;
  // Symmetric keys live sealed in server_secrets, so rotating the master key keeps them.
  keys::infrastructure::OdbServerSecretStore secrets;
  auth::infrastructure::SodiumPasswordHasher argon2;
  auth::infrastructure::BoundedPasswordHasher hasher;
  auth::infrastructure::OdbLoginThrottle login_throttle;
  auth::infrastructure::SodiumRefreshTokenHasher refresh_hasher;
  OdbUnitOfWork uow;
  users::infrastructure::OdbUserRepository users;
  users::infrastructure::PgUserStatements user_statements;
  users::infrastructure::OdbAuditLog audit_log;
  users::application::AuditTrail audit;
  auth::application::SessionTokens tokens;
  auth::application::RegisterUser register_user;
  auth::application::RefreshSession refresh_session;
  auth::application::SessionDeps session_deps;
  auth::application::Logout logout;
  auth::application::LogoutAll logout_all;
  auth::application::RevokeToken revoke_token;
  auth::application::RevokeSession revoke_session;
  auth::application::ListSessions list_sessions;
  auth::application::DeleteAccount delete_account;
  auth::application::ListEvents list_events;
  auth::application::AdminAccounts admin_accounts;
  auth::application::Authenticate authenticate;
  auth::application::Introspect introspect;
  auth::infrastructure::OdbAccountTokenRepository account_tokens;
  keys::infrastructure::MasterKeySealer sealer;
  auth::infrastructure::OdbMailOutbox outbox;
  auth::infrastructure::EmbeddedMailTemplates templates;
  auth::application::ChangePassword change_password;
  auth::application::LifecycleDeps lifecycle;
  auth::application::RequestEmailVerification request_verification;
  auth::application::VerifyEmail verify_email;
  auth::infrastructure::OdbResetRequestQueue reset_queue;
  auth::application::RequestPasswordReset request_reset;
  auth::application::ProcessResetRequests process_resets;
  auth::application::ConfirmPasswordReset confirm_reset;
  auth::application::LiftLockout lift_lockout;
  auth::application::RequestEmailChange request_email_change;
  auth::application::ConfirmEmailChange confirm_email_change;
  auth::infrastructure::OdbMfaRepository mfa_records;
  auth::infrastructure::OdbMfaChallengeStore mfa_challenges;
  auth::infrastructure::OpenSslOneTimeCodes one_time_codes;
  auth::infrastructure::SodiumRecoveryCodeHasher recovery_hasher;
  auth::application::MfaDeps mfa;
  auth::application::MfaChallengeIssuer mfa_challenge_issuer;
  auth::application::LoginUser login_user;
  auth::application::StartTotpEnrolment start_totp;
  auth::application::ConfirmTotpEnrolment confirm_totp;
  auth::application::DisableTotp disable_totp;
  auth::application::RegenerateRecoveryCodes regenerate_recovery_codes;
  auth::application::CompleteMfaLogin complete_mfa_login;
  auth::application::ResetMfa reset_mfa;
  users::application::GetProfile get_profile;
  users::application::UpdateProfile update_profile;
  users::application::ListUsers list_users;
  users::application::GetUser get_user;
  users::application::ChangeRole change_role;
  MigrationRunner readiness;
  std::unique_ptr<auth::application::Mailer> mailer;  // null: mail stays in the outbox
  std::unique_ptr<auth::infrastructure::OutboxWorker> mail_worker;

  // What /metrics reports about the database: whether the schema suits this binary (1 or 0)
  // and the mail outbox backlog (NaN while it cannot be read). Refreshed every 5 s in the
  // background, so a scrape never waits on the database and a flood of scrapes costs it nothing.
  double readyNow() const { return ready_.load(); }
  double outboxBacklogNow() const { return outbox_backlog_.load(); }

 private:
  void refreshStatus();

  std::atomic<std::int64_t> last_forced_reload_{0};
  std::atomic<double> ready_{0};
  std::atomic<double> outbox_backlog_{std::numeric_limits<double>::quiet_NaN()};
  PeriodicTask key_reload_;  // last three: run while everything above exists
  PeriodicTask retention_;
  PeriodicTask status_refresh_;
};

}  // namespace authd::app
