// One refresh-token family: the server side of a login. Pure domain logic; time and digests
// are arguments, so the rules are testable with plain values.
//
// Token secrets form a chain: secret(g+1) = keyed_hash(secret(g)). A session stores only its
// generation G and the digest of secret(G). The application advances a presented secret of
// generation g to generation G (G - g steps) and hands the digest here; equality then proves
// the token genuine, and g tells whether it is current, the immediate predecessor (grace
// window) or older (reuse).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "shared/core/random_source.hpp"
#include "shared/core/time.hpp"
#include "shared/core/uuid.hpp"

namespace authd::users::domain {

struct SessionPolicy {
  Seconds refresh_ttl{2592000};  // absolute lifetime, from creation
  Seconds idle_ttl{1209600};     // expires this long after its last use
  Seconds reuse_grace{10};       // replay window of the previous token
  std::size_t max_sessions = 10;
};

// How a session's login was authenticated (RFC 8176 `amr` values): the password alone, or the
// password and a one-time code. A refresh keeps it.
enum class AuthMethods { Password, PasswordAndOtp };
// The `amr` claim of `methods`: ["pwd"] or ["pwd", "otp"].
std::vector<std::string> amrOf(AuthMethods methods);

// The one expiry rule: past the absolute expiry, or idle for longer than policy.idle_ttl.
inline bool sessionExpired(Timestamp expires_at, Timestamp last_used_at, Timestamp now,
                           const SessionPolicy& policy) {
  return now >= expires_at || now >= last_used_at + policy.idle_ttl;
}

struct RefreshAttempt {
  std::uint32_t generation = 0;  // generation carried by the presented token
  Bytes digest_at_current;  // digest of the presented secret advanced to the current generation
  Bytes next_digest;        // digest of the successor of that secret (used when rotating)
};

enum class RefreshOutcome {
  Rotated,      // presented token was current; the session moved to the next generation
  GraceReplay,  // presented token was the previous one, inside the grace window
  Reused,       // an already rotated token was replayed outside the window: revoke the session
  Invalid,      // not a genuine token of this session, or the session has expired
};

class Session {
 public:
  struct State {
    Uuid id;
    std::uint32_t generation = 0;
    Bytes token_digest;  // digest of the current generation's secret
    Timestamp created_at;
    Timestamp last_used_at;
    Timestamp expires_at;                 // absolute expiry, never extended
    std::optional<Timestamp> rotated_at;  // when the current generation replaced the previous
    std::string user_agent;
    std::string ip;
    AuthMethods methods = AuthMethods::Password;
  };

  explicit Session(State state) : s_(std::move(state)) {}

  static Session open(Uuid id, Bytes token_digest, Timestamp now, const SessionPolicy& policy,
                      std::string user_agent, std::string ip,
                      AuthMethods methods = AuthMethods::Password);

  // Applies the refresh rules (contract, "Tokens" 1-3). On Rotated the generation, digest,
  // rotated_at and last_used_at change; on GraceReplay only last_used_at does; Reused and
  // Invalid change nothing (the caller revokes on Reused).
  RefreshOutcome refresh(const RefreshAttempt& attempt, Timestamp now, const SessionPolicy& policy);

  // Past its absolute expiry or idle too long.
  bool isExpired(Timestamp now, const SessionPolicy& policy) const;
  // Longest chain of rotations followed back to check an old token (30 days of rotating every
  // 15 minutes is 2,880); older claims are treated as not genuine.
  static constexpr std::uint32_t kMaxGenerationsBack = 10000;
  // True when a token of `generation` can be followed forward to this session's current one:
  // not from the future, and at most kMaxGenerationsBack behind. The one place this is judged.
  bool canTrace(std::uint32_t generation) const {
    return generation <= s_.generation && s_.generation - generation <= kMaxGenerationsBack;
  }

  const State& state() const { return s_; }
  const Uuid& id() const { return s_.id; }
  std::uint32_t generation() const { return s_.generation; }

 private:
  State s_;
};

}  // namespace authd::users::domain
