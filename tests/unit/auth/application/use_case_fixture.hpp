// Shared fixture for the auth use cases: gMock ports, the user repository delegating to the
// in-memory fake, so the tests can follow state across calls. Only ports are mocked.
#pragma once

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>

#include "fakes/fakes.hpp"
#include "features/auth/application/use_cases/login_user.hpp"
#include "features/auth/application/use_cases/session_tokens.hpp"
#include "features/users/application/audit_trail.hpp"
#include "matchers.hpp"
#include "mocks/delegate_to_fakes.hpp"
#include "mocks/mock_ports.hpp"

namespace authd::testing {

using ::testing::NiceMock;

class AuthUseCaseTest : public ::testing::Test {
 protected:
  static constexpr const char* kHash = "$argon2id$stored";
  static constexpr const char* kPassword = "correct horse battery";

  AuthUseCaseTest() {
    // Real transactions over the fakes: a failed attempt's writes roll back.
    ON_CALL(uow_, begin).WillByDefault([this]() -> std::unique_ptr<Transaction> {
      ++begins_;
      return std::make_unique<CountedTransaction>(fake_uow_.begin(), commits_);
    });
    // Deterministic stand-ins for the keyed hashes: distinct, size-preserving functions.
    ON_CALL(refresh_hasher_, digest).WillByDefault([](const Bytes& b) {
      Bytes out = b;
      for (auto& x : out) x = static_cast<std::uint8_t>(x ^ 0x5A);
      return out;
    });
    ON_CALL(refresh_hasher_, successor).WillByDefault([](const Bytes& b) {
      Bytes out = b;
      for (std::size_t i = 0; i < out.size(); ++i)
        out[i] = static_cast<std::uint8_t>(out[i] * 31 + i + 1);
      return out;
    });
    ON_CALL(issuer_, issue)
        .WillByDefault([](const users::domain::User&, const Uuid& sid, Timestamp) {
          return auth::application::IssuedAccessToken{"access-for-" + sid.toString(), Seconds(900)};
        });
    ON_CALL(hasher_, hash).WillByDefault(::testing::Return(std::string(kHash)));
    ON_CALL(hasher_, dummyHash).WillByDefault(::testing::Return(dummy_hash_));
    ON_CALL(hasher_, verify).WillByDefault([](const std::string& h, std::string_view pw) {
      return h == kHash && pw == kPassword;
    });
    delegateTo(throttle_, fake_throttle_);  // the lockout table
    ON_CALL(templates_, render)
        .WillByDefault([](auth::domain::AccountTokenKind, const std::string& to,
                          const std::string& name, const std::string& token) {
          return auth::application::Mail{to, "subject for " + name, "token=" + token,
                                         "<a>" + token + "</a>", std::nullopt};
        });
    ON_CALL(templates_, renderNotice)
        .WillByDefault([](auth::application::Notice notice, const std::string& to,
                          const std::string& name, const std::string& at,
                          const std::string& detail) {
          return auth::application::Mail{
              to, "notice for " + name,
              std::string(notice == auth::application::Notice::PasswordReset ? "reset"
                                                                             : "changed") +
                  " at " + at + (detail.empty() ? "" : " to " + detail),
              "", std::nullopt};
        });
    delegateTo(users_, fake_users_);
    delegateTo(statements_, fake_statements_);
    ON_CALL(audit_log_, record).WillByDefault([this](const users::application::AuditEvent& e) {
      events_.push_back(e);
    });
  }

  // Stores an existing account with password kPassword.
  users::domain::User& seedUser() {
    auto u = users::domain::User::create(
        Uuid::v7(clock_.now(), random_), *users::domain::Email::parse("alice@example.com"),
        *users::domain::Username::parse("alice"), std::nullopt, kHash, clock_.now());
    stored_ = u;
    return *stored_;
  }

  // Logs the seeded user in `n` times, a second apart (seeding it first if needed), clears
  // the recorded audit events, and returns the refresh tokens.
  std::vector<std::string> loginTimes(int n) {
    if (!stored_) seedUser();
    auth::application::LoginUser login{uow_, users_, hasher_, tokens_, audit_, clock_, throttle_};
    std::vector<std::string> out;
    for (int i = 0; i < n; ++i) {
      clock_.advance(std::chrono::seconds(1));
      auto r = login.execute({std::string("alice@example.com"), std::nullopt, kPassword, {}});
      EXPECT_THAT(r, IsOk());
      out.push_back(r->refresh_token);
    }
    events_.clear();
    return out;
  }
  static Uuid sessionOf(const std::string& refresh_token) {
    return auth::domain::RefreshToken::decode(refresh_token)->session_id;
  }

  NiceMock<MockUnitOfWork> uow_;
  InMemoryDatabase db_;
  InMemoryUnitOfWork fake_uow_{db_};
  InMemoryUserRepository fake_users_{db_};
  NiceMock<MockUserRepository> users_;  // delegates to fake_users_
  InMemoryUserStatements fake_statements_{db_};
  NiceMock<MockUserStatements> statements_;  // delegates to fake_statements_
  NiceMock<MockPasswordHasher> hasher_;
  InMemoryLoginThrottle fake_throttle_{db_};
  InMemoryMailOutbox outbox_{db_, clock_};
  InMemoryAccountTokenRepository account_tokens_{db_};
  NiceMock<MockMailTemplates> templates_;
  NiceMock<MockLoginThrottle> throttle_;  // delegates to fake_throttle_
  NiceMock<MockRefreshTokenHasher> refresh_hasher_;
  NiceMock<MockAccessTokenIssuer> issuer_;
  NiceMock<MockAuditLog> audit_log_;
  FakeClock clock_;
  FakeRandomSource random_;
  users::domain::SessionPolicy policy_;
  auth::application::SessionTokens tokens_{random_, refresh_hasher_, issuer_, policy_};
  users::application::AuditTrail audit_{audit_log_, clock_, random_};
  std::vector<users::application::AuditEvent> events_;  // what audit_log_ recorded

  std::vector<users::application::AuditEventType> eventTypes() const {
    std::vector<users::application::AuditEventType> out;
    for (const auto& e : events_) out.push_back(e.type);
    return out;
  }
  std::string dummy_hash_ = "$argon2id$dummy";
  StoredUser stored_{fake_users_};
  int begins_ = 0;
  int commits_ = 0;
};

}  // namespace authd::testing
