#pragma once

#include <memory>

#include <odb/pgsql/database.hxx>

#include "features/auth/application/ports/mfa.hpp"

namespace authd::auth::infrastructure {

// MfaRepository in user_mfa, inside the caller's transaction.
class OdbMfaRepository final : public application::MfaRepository {
 public:
  explicit OdbMfaRepository(std::shared_ptr<odb::pgsql::database> db) : db_(std::move(db)) {}
  std::optional<domain::Mfa> find(const Uuid& user_id) override;
  void save(const domain::Mfa& mfa) override;
  void remove(const Uuid& user_id) override;

 private:
  std::shared_ptr<odb::pgsql::database> db_;
};

// MfaChallengeStore in mfa_challenges, inside the caller's transaction.
class OdbMfaChallengeStore final : public application::MfaChallengeStore {
 public:
  explicit OdbMfaChallengeStore(std::shared_ptr<odb::pgsql::database> db) : db_(std::move(db)) {}
  void add(const domain::MfaChallenge& challenge) override;
  std::optional<domain::MfaChallenge> findByDigestForUpdate(const Bytes& digest) override;
  void update(const domain::MfaChallenge& challenge) override;
  // Retention (its own transaction): deletes challenges that expired before `cutoff`.
  std::size_t pruneBefore(Timestamp cutoff);

 private:
  std::shared_ptr<odb::pgsql::database> db_;
};

}  // namespace authd::auth::infrastructure
