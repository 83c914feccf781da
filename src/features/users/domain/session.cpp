#include "features/users/domain/session.hpp"

#include "shared/core/encoding.hpp"

namespace authd::users::domain {

Session Session::open(Uuid id, Bytes token_digest, Timestamp now, const SessionPolicy& policy,
                      std::string user_agent, std::string ip, AuthMethods methods) {
  State s;
  s.id = id;
  s.generation = 0;
  s.token_digest = std::move(token_digest);
  s.created_at = now;
  s.last_used_at = now;
  s.expires_at = now + policy.refresh_ttl;
  s.user_agent = std::move(user_agent);
  s.ip = std::move(ip);
  s.methods = methods;
  return Session(std::move(s));
}

std::vector<std::string> amrOf(AuthMethods methods) {
  if (methods == AuthMethods::PasswordAndOtp) return {"pwd", "otp"};
  return {"pwd"};
}

bool Session::isExpired(Timestamp now, const SessionPolicy& policy) const {
  return sessionExpired(s_.expires_at, s_.last_used_at, now, policy);
}

RefreshOutcome Session::refresh(const RefreshAttempt& attempt, Timestamp now,
                                const SessionPolicy& policy) {
  if (isExpired(now, policy) || !canTrace(attempt.generation)) {
    return RefreshOutcome::Invalid;
  }
  // Digest comparison in constant time: the digest is derived from a secret.
  if (!constantTimeEqual(attempt.digest_at_current, s_.token_digest)) {
    return RefreshOutcome::Invalid;
  }
  if (attempt.generation == s_.generation) {
    s_.generation += 1;
    s_.token_digest = attempt.next_digest;
    s_.rotated_at = now;
    s_.last_used_at = now;
    return RefreshOutcome::Rotated;
  }
  const bool previous = attempt.generation + 1 == s_.generation;
  if (previous && s_.rotated_at && now <= *s_.rotated_at + policy.reuse_grace) {
    s_.last_used_at = now;
    return RefreshOutcome::GraceReplay;
  }
  return RefreshOutcome::Reused;
}

}  // namespace authd::users::domain
