// Ports of the second factor (contract, "Multi-factor authentication"). Repositories work
// inside the caller's transaction and never commit.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "features/auth/domain/mfa.hpp"
#include "shared/core/secret_bytes.hpp"

namespace authd::auth::application {

// Port: each user's MFA record (at most one, pending or enabled). Callers serialise changes to
// one user's record by holding the user's row lock (UserRepository::findByIdForUpdate).
class MfaRepository {
 public:
  virtual ~MfaRepository() = default;
  virtual std::optional<domain::Mfa> find(const Uuid& user_id) = 0;
  // Inserts or replaces the user's record.
  virtual void save(const domain::Mfa& mfa) = 0;
  // Deletes the user's record; nothing when there is none.
  virtual void remove(const Uuid& user_id) = 0;
};

// Port: the mfa_tokens of logins waiting for their second step.
class MfaChallengeStore {
 public:
  virtual ~MfaChallengeStore() = default;
  virtual void add(const domain::MfaChallenge& challenge) = 0;
  // The challenge with this digest, locked for the rest of the transaction, so two requests
  // with one mfa_token are decided one after the other.
  virtual std::optional<domain::MfaChallenge> findByDigestForUpdate(const Bytes& digest) = 0;
  // Stores its failures and used_at.
  virtual void update(const domain::MfaChallenge& challenge) = 0;
};

// Port: keyed digests of recovery codes (BLAKE2b under a server secret that is never rotated
// away from under them). Thread-safe and deterministic.
class RecoveryCodeHasher {
 public:
  virtual ~RecoveryCodeHasher() = default;
  // The digest of a canonical recovery code (domain::canonicalRecoveryCode).
  virtual Bytes digest(std::string_view canonical_code) const = 0;
};

}  // namespace authd::auth::application
