// Out-of-line constructors and destructors keep the mocks' code generated once (gMock cook
// book, "Making the Compilation Faster").
#include "mocks/mock_ports.hpp"

namespace authd::testing {

MockPublicKeySource::MockPublicKeySource() = default;
MockPublicKeySource::~MockPublicKeySource() = default;
MockUserRepository::MockUserRepository() = default;
MockUserRepository::~MockUserRepository() = default;
MockUserStatements::MockUserStatements() = default;
MockUserStatements::~MockUserStatements() = default;
MockAuditLog::MockAuditLog() = default;
MockAuditLog::~MockAuditLog() = default;
MockAccessTokenVerifier::MockAccessTokenVerifier() = default;
MockAccessTokenVerifier::~MockAccessTokenVerifier() = default;
MockAccountTokenRepository::MockAccountTokenRepository() = default;
MockAccountTokenRepository::~MockAccountTokenRepository() = default;
MockResetRequestQueue::MockResetRequestQueue() = default;
MockResetRequestQueue::~MockResetRequestQueue() = default;
MockMailOutbox::MockMailOutbox() = default;
MockMailOutbox::~MockMailOutbox() = default;
MockMailTemplates::MockMailTemplates() = default;
MockMailTemplates::~MockMailTemplates() = default;
MockTransaction::MockTransaction() = default;
MockTransaction::~MockTransaction() = default;
MockUnitOfWork::MockUnitOfWork() = default;
MockUnitOfWork::~MockUnitOfWork() = default;
MockPasswordHasher::MockPasswordHasher() = default;
MockPasswordHasher::~MockPasswordHasher() = default;
MockLoginThrottle::MockLoginThrottle() = default;
MockLoginThrottle::~MockLoginThrottle() = default;
MockRefreshTokenHasher::MockRefreshTokenHasher() = default;
MockRefreshTokenHasher::~MockRefreshTokenHasher() = default;
MockAccessTokenIssuer::MockAccessTokenIssuer() = default;
MockAccessTokenIssuer::~MockAccessTokenIssuer() = default;

MockMfaRepository::MockMfaRepository() = default;
MockMfaRepository::~MockMfaRepository() = default;
MockMfaChallengeStore::MockMfaChallengeStore() = default;
MockMfaChallengeStore::~MockMfaChallengeStore() = default;
MockOneTimeCodes::MockOneTimeCodes() = default;
MockOneTimeCodes::~MockOneTimeCodes() = default;
MockRecoveryCodeHasher::MockRecoveryCodeHasher() = default;
MockRecoveryCodeHasher::~MockRecoveryCodeHasher() = default;
MockSealer::MockSealer() = default;
MockSealer::~MockSealer() = default;

}  // namespace authd::testing
