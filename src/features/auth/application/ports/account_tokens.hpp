#pragma once

#include <optional>
#include <string>
#include <vector>

#include "features/auth/domain/account_token.hpp"

namespace authd::auth::application {

// Port: stored single-use account tokens, inside the caller's transaction.
class AccountTokenRepository {
 public:
  virtual ~AccountTokenRepository() = default;
  virtual void add(const domain::AccountToken& token) = 0;
  // The token with this digest, locked for the rest of the transaction so it is used once.
  virtual std::optional<domain::AccountToken> findByDigestForUpdate(const Bytes& digest) = 0;
  virtual void markUsed(const Uuid& id, Timestamp at) = 0;
  // Ends every unused token of `kind` for the user (a new request replaces older ones).
  virtual void invalidateUnused(const Uuid& user_id, domain::AccountTokenKind kind,
                                Timestamp at) = 0;
};

// Port: password-reset requests waiting to be looked at, inside the caller's transaction.
class ResetRequestQueue {
 public:
  struct Pending {
    Uuid id;
    std::string email;
  };
  virtual ~ResetRequestQueue() = default;
  virtual void enqueue(const Uuid& id, const std::string& email, Timestamp at) = 0;
  // Up to `limit` unprocessed requests, oldest first, locked (SKIP LOCKED) for this transaction.
  virtual std::vector<Pending> claim(std::size_t limit) = 0;
  virtual void markProcessed(const Uuid& id, Timestamp at) = 0;
};

}  // namespace authd::auth::application
