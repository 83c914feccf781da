// gMock doubles of our ports (never of ODB, Pistache or libsodium).
#pragma once

#include <gmock/gmock.h>

#include "features/auth/application/ports/access_token_issuer.hpp"
#include "features/auth/application/ports/access_token_verifier.hpp"
#include "features/auth/application/ports/account_tokens.hpp"
#include "features/auth/application/ports/login_throttle.hpp"
#include "features/auth/application/ports/mail.hpp"
#include "features/auth/application/ports/mfa.hpp"
#include "features/auth/application/ports/one_time_codes.hpp"
#include "features/auth/application/ports/password_hasher.hpp"
#include "features/auth/application/ports/refresh_token_hasher.hpp"
#include "features/keys/application/ports/public_key_source.hpp"
#include "features/keys/application/ports/sealer.hpp"
#include "features/users/application/ports/audit_log.hpp"
#include "features/users/application/ports/user_repository.hpp"
#include "features/users/application/ports/user_statements.hpp"
#include "shared/core/unit_of_work.hpp"

namespace authd::testing {

class MockUserRepository : public users::application::UserRepository {
 public:
  MockUserRepository();
  ~MockUserRepository() override;
  MOCK_METHOD(std::optional<users::domain::User>, findById, (const Uuid&), (override));
  MOCK_METHOD(std::optional<users::domain::User>, findByIdForUpdate, (const Uuid&), (override));
  MOCK_METHOD(std::optional<users::domain::User>, findByEmail, (const std::string&), (override));
  MOCK_METHOD(std::optional<users::domain::User>, findByUsername, (const std::string&), (override));
  MOCK_METHOD(std::vector<users::domain::User>, list, (const users::application::UserListQuery&),
              (override));
  MOCK_METHOD(bool, emailExists, (const std::string&), (override));
  MOCK_METHOD(bool, usernameExists, (const std::string&), (override));
  MOCK_METHOD(Status, add, (users::domain::User&), (override));
  MOCK_METHOD(Status, update, (users::domain::User&), (override));
};

class MockUserStatements : public users::application::UserStatements {
 public:
  MockUserStatements();
  ~MockUserStatements() override;
  MOCK_METHOD(std::optional<users::application::LiveSession>, findSession,
              (const Uuid&, const Uuid&), (override));
  MOCK_METHOD(std::optional<users::domain::Profile>, findProfile, (const Uuid&), (override));
  MOCK_METHOD(std::optional<users::domain::User>, findUser, (const Uuid&), (override));
  MOCK_METHOD(Status, storeSessions, (users::domain::User&), (override));
};

class MockAuditLog : public users::application::AuditLog {
 public:
  MockAuditLog();
  ~MockAuditLog() override;
  MOCK_METHOD(void, record, (const users::application::AuditEvent&), (override));
  MOCK_METHOD(std::vector<users::application::AuditEvent>, listForUser,
              (const Uuid&, const std::optional<users::application::EventCursor>&, std::size_t),
              (override));
};

class MockAccessTokenVerifier : public auth::application::AccessTokenVerifier {
 public:
  MockAccessTokenVerifier();
  ~MockAccessTokenVerifier() override;
  MOCK_METHOD(Result<auth::application::AccessClaims>, verify, (std::string_view, Timestamp),
              (const, override));
};

class MockAccountTokenRepository : public auth::application::AccountTokenRepository {
 public:
  MockAccountTokenRepository();
  ~MockAccountTokenRepository() override;
  MOCK_METHOD(void, add, (const auth::domain::AccountToken&), (override));
  MOCK_METHOD(std::optional<auth::domain::AccountToken>, findByDigestForUpdate, (const Bytes&),
              (override));
  MOCK_METHOD(void, markUsed, (const Uuid&, Timestamp), (override));
  MOCK_METHOD(void, invalidateUnused, (const Uuid&, auth::domain::AccountTokenKind, Timestamp),
              (override));
};

class MockResetRequestQueue : public auth::application::ResetRequestQueue {
 public:
  MockResetRequestQueue();
  ~MockResetRequestQueue() override;
  MOCK_METHOD(void, enqueue, (const Uuid&, const std::string&, Timestamp), (override));
  MOCK_METHOD(std::vector<Pending>, claim, (std::size_t), (override));
  MOCK_METHOD(void, markProcessed, (const Uuid&, Timestamp), (override));
};

class MockMailOutbox : public auth::application::MailOutbox {
 public:
  MockMailOutbox();
  ~MockMailOutbox() override;
  MOCK_METHOD(void, enqueue, (const auth::application::Mail&), (override));
  MOCK_METHOD(auth::domain::RecipientLoad, loadOf, (const std::string&, Timestamp), (override));
};

class MockMailTemplates : public auth::application::MailTemplates {
 public:
  MockMailTemplates();
  ~MockMailTemplates() override;
  MOCK_METHOD(auth::application::Mail, render,
              (auth::domain::AccountTokenKind, const std::string&, const std::string&,
               const std::string&),
              (const, override));
  MOCK_METHOD(auth::application::Mail, renderNotice,
              (auth::application::Notice, const std::string&, const std::string&,
               const std::string&, const std::string&),
              (const, override));
};

class MockTransaction : public Transaction {
 public:
  MockTransaction();
  ~MockTransaction() override;
  MOCK_METHOD(void, commit, (), (override));
};

class MockUnitOfWork : public UnitOfWork {
 public:
  MockUnitOfWork();
  ~MockUnitOfWork() override;
  MOCK_METHOD(std::unique_ptr<Transaction>, begin, (), (override));
};

class MockPasswordHasher : public auth::application::PasswordHasher {
 public:
  MockPasswordHasher();
  ~MockPasswordHasher() override;
  MOCK_METHOD(std::string, hash, (std::string_view), (override));
  MOCK_METHOD(bool, verify, (const std::string&, std::string_view), (override));
  MOCK_METHOD(bool, needsRehash, (const std::string&), (override));
  MOCK_METHOD(std::string, dummyHash, (std::string_view), (override));
};

class MockLoginThrottle : public auth::application::LoginThrottle {
 public:
  MockLoginThrottle();
  ~MockLoginThrottle() override;
  MOCK_METHOD(Count, countAttempt, (std::string_view, Timestamp, Seconds), (override));
  MOCK_METHOD(void, reset, (std::string_view), (override));
};

class MockRefreshTokenHasher : public auth::application::RefreshTokenHasher {
 public:
  MockRefreshTokenHasher();
  ~MockRefreshTokenHasher() override;
  MOCK_METHOD(Bytes, digest, (const Bytes&), (const, override));
  MOCK_METHOD(Bytes, successor, (const Bytes&), (const, override));
};

class MockAccessTokenIssuer : public auth::application::AccessTokenIssuer {
 public:
  MockAccessTokenIssuer();
  ~MockAccessTokenIssuer() override;
  MOCK_METHOD(auth::application::IssuedAccessToken, issue,
              (const users::domain::User&, const Uuid&, Timestamp), (override));
};

class MockPublicKeySource : public keys::application::PublicKeySource {
 public:
  MockPublicKeySource();
  ~MockPublicKeySource() override;
  MOCK_METHOD(std::vector<keys::domain::PublicSigningKey>, publicKeys, (), (const, override));
};

class MockMfaRepository : public auth::application::MfaRepository {
 public:
  MockMfaRepository();
  ~MockMfaRepository() override;
  MOCK_METHOD(std::optional<auth::domain::Mfa>, find, (const Uuid&), (override));
  MOCK_METHOD(void, save, (const auth::domain::Mfa&), (override));
  MOCK_METHOD(void, remove, (const Uuid&), (override));
};

class MockMfaChallengeStore : public auth::application::MfaChallengeStore {
 public:
  MockMfaChallengeStore();
  ~MockMfaChallengeStore() override;
  MOCK_METHOD(void, add, (const auth::domain::MfaChallenge&), (override));
  MOCK_METHOD(std::optional<auth::domain::MfaChallenge>, findByDigestForUpdate, (const Bytes&),
              (override));
  MOCK_METHOD(void, update, (const auth::domain::MfaChallenge&), (override));
};

class MockOneTimeCodes : public auth::application::OneTimeCodes {
 public:
  MockOneTimeCodes();
  ~MockOneTimeCodes() override;
  MOCK_METHOD(std::string, codeAt, (const SecretBytes&, std::int64_t, int), (const, override));
};

class MockRecoveryCodeHasher : public auth::application::RecoveryCodeHasher {
 public:
  MockRecoveryCodeHasher();
  ~MockRecoveryCodeHasher() override;
  MOCK_METHOD(Bytes, digest, (std::string_view), (const, override));
};

class MockSealer : public keys::application::Sealer {
 public:
  MockSealer();
  ~MockSealer() override;
  MOCK_METHOD(std::string, seal, (const Bytes&), (const, override));
  MOCK_METHOD(std::optional<Bytes>, open, (std::string_view), (const, override));
  MOCK_METHOD(std::string, sealSecret, (const SecretBytes&), (const, override));
  MOCK_METHOD(Secret, openSecret, (std::string_view), (const, override));
};

}  // namespace authd::testing
