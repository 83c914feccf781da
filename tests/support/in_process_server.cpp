#include "in_process_server.hpp"

#include <pistache/endpoint.h>
#include <pistache/router.h>
#include <sodium.h>
#include <spdlog/spdlog.h>

#include "app/routes.hpp"
#include "features/auth/application/use_cases/account.hpp"
#include "features/auth/application/use_cases/account_lifecycle.hpp"
#include "features/auth/application/use_cases/admin_accounts.hpp"
#include "features/auth/infrastructure/crypto/ed25519_access_token_issuer.hpp"
#include "features/auth/infrastructure/crypto/openssl_one_time_codes.hpp"
#include "features/auth/infrastructure/crypto/sodium_refresh_token_hasher.hpp"
#include "features/users/application/use_cases/admin_users.hpp"
#include "features/users/application/use_cases/update_profile.hpp"
#include "shared/presentation/http_handler.hpp"
#include "shared/presentation/work_pool.hpp"

namespace authd::testing {
namespace {

namespace aa = auth::application;
namespace ua = users::application;

keys::domain::SigningKey freshKey(Timestamp now) {
  Bytes pk(crypto_sign_PUBLICKEYBYTES), sk(crypto_sign_SECRETKEYBYTES);
  crypto_sign_keypair(pk.data(), sk.data());
  return {"route-test-key", pk, secretFrom(sk), true, now, std::nullopt};
}

// Real randomness: ids and token secrets must not repeat over a long fuzzing run (the
// counter of FakeRandomSource wraps within a few hundred ids). Not SodiumRandomSource: it lives
// in shared_infrastructure, which links ODB, and the fuzz build has none.
class SodiumRandom final : public RandomSource {
 public:
  SodiumRandom() {
    if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
  }
  Bytes bytes(std::size_t count) override {
    Bytes out(count);
    randombytes_buf(out.data(), out.size());
    return out;
  }
};

// Mail as the embedded templates would carry it: the token in both bodies.
class PlainMailTemplates final : public aa::MailTemplates {
 public:
  aa::Mail render(auth::domain::AccountTokenKind kind, const std::string& to,
                  const std::string& username, const std::string& token) const override {
    return {to, auth::domain::toString(kind), username + " " + token, "<p>" + token + "</p>",
            std::nullopt};
  }
  aa::Mail renderNotice(aa::Notice, const std::string& to, const std::string& username,
                        const std::string& at, const std::string& detail) const override {
    return {to, "notice", username + " notice " + at + " " + detail, "", std::nullopt};
  }
};

}  // namespace

// Members in construction order, as src/app/wiring.hpp builds the real graph.
struct InProcessServer::Graph {
  FakeClock clock{fromMicros(1'800'000'000'000'000)};
  SodiumRandom random;
  InMemoryDatabase db;
  InMemoryUnitOfWork uow{db};
  InMemoryUserRepository users{db};
  InMemoryUserStatements user_statements{db};
  InMemoryAuditLog audit_log{db};
  InMemoryLoginThrottle throttle{db};
  InMemoryAccountTokenRepository account_tokens{db};
  InMemoryResetRequestQueue reset_queue{db};
  InMemoryMailOutbox outbox{db, clock};
  FakePasswordHasher hasher;
  PlainMailTemplates templates;
  auth::infrastructure::Ed25519AccessTokenIssuer tokens_crypto{
      {freshKey(clock.now())}, {"http://authd.test", "authd", Seconds(900)}, random};
  auth::infrastructure::SodiumRefreshTokenHasher refresh_hasher{secretFrom(Bytes(32, 1)),
                                                                secretFrom(Bytes(32, 2))};
  users::domain::SessionPolicy sessions;
  ua::AuditTrail audit{audit_log, clock, random};
  aa::SessionTokens tokens{random, refresh_hasher, tokens_crypto, sessions};
  aa::RegisterUser register_user{uow,   users, hasher, tokens,
                                 audit, clock, random, users::domain::PasswordPolicy::standard()};
  aa::RefreshSession refresh_session{uow, users, user_statements, tokens, audit, clock};
  aa::SessionDeps session_deps{uow, users, tokens, audit, clock};
  aa::Logout logout{session_deps};
  aa::LogoutAll logout_all{session_deps};
  aa::RevokeToken revoke_token{session_deps, tokens_crypto};
  aa::RevokeSession revoke_session{session_deps};
  aa::ListSessions list_sessions{session_deps, sessions};
  aa::ChangePassword change_password{
      uow,      users,  hasher,    audit,         clock, users::domain::PasswordPolicy::standard(),
      throttle, outbox, templates, account_tokens};
  aa::DeleteAccount delete_account{uow, users, hasher, audit, clock, throttle};
  aa::ListEvents list_events{uow, audit_log};
  aa::AdminAccounts admin_accounts{session_deps, audit_log, sessions};
  aa::Authenticate authenticate{user_statements, tokens_crypto, clock, sessions};
  aa::Introspect introspect{authenticate};
  aa::LifecycleDeps lifecycle{uow,
                              users,
                              account_tokens,
                              outbox,
                              templates,
                              refresh_hasher,
                              audit,
                              clock,
                              random,
                              auth::domain::MailLimits{}};
  aa::RequestEmailVerification request_verification{lifecycle};
  aa::VerifyEmail verify_email{lifecycle};
  aa::RequestPasswordReset request_reset{lifecycle, reset_queue};
  aa::ConfirmPasswordReset confirm_reset{lifecycle, hasher,
                                         users::domain::PasswordPolicy::standard(), throttle};
  aa::LiftLockout lift_lockout{uow, users, throttle, audit};
  aa::RequestEmailChange request_email_change{lifecycle, hasher, throttle};
  aa::ConfirmEmailChange confirm_email_change{lifecycle};
  InMemoryMfaRepository mfa_records{db};
  InMemoryMfaChallengeStore mfa_challenges{db};
  MarkingSealer sealer;
  auth::infrastructure::OpenSslOneTimeCodes one_time_codes;
  auth::infrastructure::SodiumRecoveryCodeHasher recovery_hasher{secretFrom(Bytes(32, 3))};
  aa::MfaDeps mfa{uow,
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
                  throttle,
                  aa::LoginLimits{},
                  outbox,
                  templates,
                  "authd.test"};
  aa::MfaChallengeIssuer mfa_challenge_issuer{mfa};
  aa::LoginUser login_user{
      uow, users, hasher, tokens, audit, clock, throttle, aa::LoginLimits{}, &mfa_challenge_issuer};
  aa::StartTotpEnrolment start_totp{mfa, hasher};
  aa::ConfirmTotpEnrolment confirm_totp{mfa};
  aa::DisableTotp disable_totp{mfa, hasher};
  aa::RegenerateRecoveryCodes regenerate_recovery_codes{mfa};
  aa::CompleteMfaLogin complete_mfa_login{mfa, tokens};
  aa::ResetMfa reset_mfa{mfa};
  ua::GetProfile get_profile{user_statements};
  ua::UpdateProfile update_profile{uow, users, audit, clock};
  ua::ListUsers list_users{uow, users};
  ua::GetUser get_user{uow, users};
  ua::ChangeRole change_role{uow, users, audit, clock};
  keys::application::ListPublicKeys list_public_keys{tokens_crypto};

  http::ServerState state;
  Pistache::Rest::Router router;
  http::RouteTable routes{router, state};
  Pistache::Http::Endpoint endpoint{Pistache::Address("127.0.0.1", Pistache::Port(0))};

  Graph() {
    spdlog::set_level(spdlog::level::warn);  // no access log: tests and the fuzzer read answers
    // A fault in a fake (PostgreSQL refusing a value) is a bug, never "unavailable".
    state.is_unavailable = [](const std::exception&) { return false; };
    state.hashing_pool = std::make_unique<http::WorkPool>(2, 64);
    app::addRoutes(routes, app::routeUseCasesOf(
                               *this, [] { return true; }, "http://authd.test"));
    // The service's own rule (config.cpp): the header timeout exceeds the 5 s hashing wait by
    // 5 s, and Pistache's silent idle close comes 2 s after both. Shorter, a request slowed by a
    // loaded machine (six sanitized fuzzers on two cores) lost its connection with no answer,
    // and the fuzzer's login probe reported "no answer" (one CI run).
    http::EdgeOptions edge;
    edge.header_timeout = std::chrono::seconds(10);
    edge.body_timeout = std::chrono::seconds(10);
    endpoint.init(Pistache::Http::Endpoint::options()
                      .threads(2)
                      .flags(Pistache::Tcp::Options::ReuseAddr)
                      .maxRequestSize(1 << 20)
                      .keepaliveTimeout(std::chrono::seconds(12)));
    endpoint.setHandler(std::make_shared<http::HttpHandler>(
        router, std::make_shared<http::EdgeShared>(edge, state, routes.allowLookup())));
    endpoint.serveThreaded();
  }

  ~Graph() {
    state.hashing_pool->stop();
    endpoint.shutdown();
  }
};

InProcessServer::InProcessServer() : graph_(std::make_unique<Graph>()) {}
InProcessServer::~InProcessServer() = default;

unsigned short InProcessServer::port() const {
  return static_cast<unsigned short>(static_cast<std::uint16_t>(graph_->endpoint.getPort()));
}
std::string InProcessServer::baseUrl() const {
  return "http://127.0.0.1:" + std::to_string(port());
}
InMemoryDatabase& InProcessServer::database() { return graph_->db; }
InMemoryUserRepository& InProcessServer::users() { return graph_->users; }
FakeClock& InProcessServer::clock() { return graph_->clock; }

}  // namespace authd::testing
