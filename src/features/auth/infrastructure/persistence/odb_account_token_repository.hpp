#pragma once

#include <memory>

#include <odb/pgsql/database.hxx>

#include "features/auth/application/ports/account_tokens.hpp"

namespace authd::auth::infrastructure {

// AccountTokenRepository in account_tokens, inside the caller's transaction.
class OdbAccountTokenRepository final : public application::AccountTokenRepository {
 public:
  explicit OdbAccountTokenRepository(std::shared_ptr<odb::pgsql::database> db)
      : db_(std::move(db)) {}
  void add(const domain::AccountToken& token) override;
  std::optional<domain::AccountToken> findByDigestForUpdate(const Bytes& digest) override;
  void markUsed(const Uuid& id, Timestamp at) override;
  void invalidateUnused(const Uuid& user_id, domain::AccountTokenKind kind, Timestamp at) override;
  // Retention (its own transaction): deletes tokens used or expired before `cutoff`.
  std::size_t pruneBefore(Timestamp cutoff);
  // `authd rotate-secrets`: ends every unused token (their digests are under the old key),
  // inside the caller's transaction.
  std::size_t endAllUnused(Timestamp at);

 private:
  std::shared_ptr<odb::pgsql::database> db_;
};

// ResetRequestQueue in password_reset_requests, inside the caller's transaction.
class OdbResetRequestQueue final : public application::ResetRequestQueue {
 public:
  explicit OdbResetRequestQueue(std::shared_ptr<odb::pgsql::database> db) : db_(std::move(db)) {}
  void enqueue(const Uuid& id, const std::string& email, Timestamp at) override;
  std::vector<Pending> claim(std::size_t limit) override;
  void markProcessed(const Uuid& id, Timestamp at) override;
  // Retention (its own transaction): deletes requests processed before `cutoff`.
  std::size_t pruneBefore(Timestamp cutoff);

 private:
  std::shared_ptr<odb::pgsql::database> db_;
};

}  // namespace authd::auth::infrastructure
