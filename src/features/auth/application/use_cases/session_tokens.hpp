#pragma once

#include <string>

#include "features/auth/application/ports/access_token_issuer.hpp"
#include "features/auth/application/ports/refresh_token_hasher.hpp"
#include "features/auth/domain/refresh_token.hpp"
#include "features/users/domain/session.hpp"
#include "features/users/domain/user.hpp"
#include "shared/core/client_info.hpp"
#include "shared/core/random_source.hpp"

namespace authd::auth::application {

// What register, login and refresh answer with (contract, "Tokens").
struct TokenGrant {
  std::string access_token;
  Seconds expires_in{0};
  std::string refresh_token;
  Seconds refresh_expires_in{0};
  users::domain::Profile user;  // what the answer shows; not the whole user (no copy of it)
};

using authd::ClientInfo;

// Opens sessions and turns them into token grants; shared by the use cases that hand out
// tokens. Thread-safe if its ports are.
class SessionTokens {
 public:
  SessionTokens(RandomSource& random, RefreshTokenHasher& hasher, AccessTokenIssuer& issuer,
                users::domain::SessionPolicy policy)
      : random_(random), hasher_(hasher), issuer_(issuer), policy_(policy) {}

  struct Opened {
    users::domain::Session session;
    domain::RefreshToken token;
  };
  // A new session (generation 0, fresh 256-bit secret) for `user_id`.
  Opened open(const Uuid& user_id, Timestamp now, const ClientInfo& client,
              users::domain::AuthMethods methods = users::domain::AuthMethods::Password);

  // Signs an access token for the session and packages the grant. The refresh lifetime
  // reported is what remains of the session's absolute lifetime.
  TokenGrant grant(const users::domain::User& user, const domain::RefreshToken& token,
                   Timestamp now);

  // True when `token` is a genuine token of `session`, of any past or current generation:
  // its secret, advanced to the session's generation, has the stored digest.
  bool isGenuine(const users::domain::Session& session, const domain::RefreshToken& token) const;

  // The secret of `token` advanced to generation `generation` (>= token.generation).
  Bytes advance(const domain::RefreshToken& token, std::uint32_t generation) const;

  const users::domain::SessionPolicy& policy() const { return policy_; }
  RefreshTokenHasher& hasher() { return hasher_; }

 private:
  RandomSource& random_;
  RefreshTokenHasher& hasher_;
  AccessTokenIssuer& issuer_;
  users::domain::SessionPolicy policy_;
};

}  // namespace authd::auth::application
