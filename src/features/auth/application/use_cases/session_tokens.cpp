#include "features/auth/application/use_cases/session_tokens.hpp"

#include <stdexcept>

#include "shared/core/encoding.hpp"

namespace authd::auth::application {

SessionTokens::Opened SessionTokens::open(const Uuid& user_id, Timestamp now,
                                          const ClientInfo& client,
                                          users::domain::AuthMethods methods) {
  domain::RefreshToken token;
  token.user_id = user_id;
  token.session_id = Uuid::v7(now, random_);
  token.generation = 0;
  token.secret = random_.bytes(domain::kRefreshSecretSize);
  if (token.secret.size() != domain::kRefreshSecretSize) {
    throw std::logic_error("RandomSource returned the wrong number of bytes");
  }
  auto session = users::domain::Session::open(token.session_id, hasher_.digest(token.secret), now,
                                              policy_, client.user_agent, client.ip, methods);
  return Opened{std::move(session), std::move(token)};
}

Bytes SessionTokens::advance(const domain::RefreshToken& token, std::uint32_t generation) const {
  Bytes secret = token.secret;
  for (auto g = token.generation; g < generation; ++g) secret = hasher_.successor(secret);
  return secret;
}

bool SessionTokens::isGenuine(const users::domain::Session& session,
                              const domain::RefreshToken& token) const {
  if (!session.canTrace(token.generation)) return false;
  return constantTimeEqual(hasher_.digest(advance(token, session.generation())),
                           session.state().token_digest);
}

TokenGrant SessionTokens::grant(const users::domain::User& user, const domain::RefreshToken& token,
                                Timestamp now) {
  const auto* session = user.findSession(token.session_id);
  if (session == nullptr) {
    throw std::logic_error("grant for a session the user does not have");
  }
  auto access = issuer_.issue(user, token.session_id, now);
  const auto remaining = std::chrono::duration_cast<Seconds>(session->state().expires_at - now);
  return TokenGrant{std::move(access.token), access.expires_in, token.encode(),
                    remaining.count() > 0 ? remaining : Seconds(0), user.profile()};
}

}  // namespace authd::auth::application
