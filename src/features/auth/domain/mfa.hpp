// A user's second factor (contract, "Multi-factor authentication"): a TOTP secret (held sealed;
// the domain never sees it), pending until a first code confirms it, then enabled with ten
// single-use recovery codes (held as keyed digests). The rules here: what may happen in which
// state, replay of TOTP steps, single use of recovery codes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "shared/core/random_source.hpp"
#include "shared/core/time.hpp"
#include "shared/core/uuid.hpp"

namespace authd::auth::domain {

inline constexpr std::size_t kTotpSecretSize = 20;  // 160 bits (RFC 4226's recommendation)
inline constexpr int kRecoveryCodeCount = 10;
inline constexpr std::size_t kRecoveryCodeLength = 10;  // base32 characters: 50 bits

// RFC 4648 base32 (upper case, no padding), as authenticator apps take a secret.
std::string base32Encode(const Bytes& bytes);

// A fresh recovery code from `random`: ten base32 characters shown as "xxxxx-xxxxx".
std::string newRecoveryCode(RandomSource& random);
// What a typed recovery code means: its ten characters, lower case, without the hyphen or
// spaces; nullopt for anything else. The digest is taken of this canonical form.
std::optional<std::string> canonicalRecoveryCode(std::string_view typed);

// RFC 3986 percent-encoding of everything but the unreserved characters (A-Z a-z 0-9 - . _ ~).
std::string percentEncode(std::string_view text);

// The key URI authenticator apps scan (Google's "Key Uri Format", which they all follow):
// otpauth://totp/{issuer}:{account}?secret=..&issuer=..&algorithm=SHA1&digits=6&period=30,
// label and parameters percent-encoded.
std::string otpauthUri(std::string_view issuer, std::string_view account,
                       std::string_view base32_secret);

enum class MfaStatus { Pending, Enabled };

class Mfa {
 public:
  // Enrolment starts (or restarts, replacing a pending secret): pending, no codes yet.
  static Mfa begin(Uuid user_id, std::string sealed_secret, Timestamp now);
  // Trusted construction from storage.
  struct State {
    Uuid user_id;
    MfaStatus status = MfaStatus::Pending;
    std::string sealed_secret;              // the TOTP secret, sealed by the master key
    std::optional<std::int64_t> last_step;  // the last TOTP step accepted (replay guard)
    std::vector<Bytes> recovery_digests;    // keyed digests of the unused recovery codes
    Timestamp created_at;
    Timestamp updated_at;
  };
  static Mfa fromState(State state) { return Mfa(std::move(state)); }
  const State& state() const { return state_; }
  bool enabled() const { return state_.status == MfaStatus::Enabled; }

  // A TOTP code of `step` was right: from now on that step and every earlier one are refused.
  void acceptStep(std::int64_t step, Timestamp now);
  // Confirmation: pending becomes enabled with these recovery codes. False when not pending.
  bool enable(std::vector<Bytes> recovery_digests, Timestamp now);
  // The recovery code with this digest, once: true and it is gone; false when it is not one
  // (compared in constant time against every stored digest).
  bool useRecoveryCode(const Bytes& digest, Timestamp now);
  // New recovery codes replace every old one. False when not enabled.
  bool replaceRecoveryCodes(std::vector<Bytes> recovery_digests, Timestamp now);

 private:
  explicit Mfa(State s) : state_(std::move(s)) {}
  State state_;
};

inline constexpr Seconds kMfaChallengeTtl{300};         // contract: an mfa_token lives 5 minutes
inline constexpr int kMfaChallengeMaxFailures = 5;      // and dies after 5 wrong codes
inline constexpr std::size_t kMfaTokenSecretSize = 32;  // 256 bits

// The second step of a login (the `mfa_token`): only its keyed digest is stored, with a keyed
// digest of the password hash it was issued against, so a password change or reset ends it.
struct MfaChallenge {
  Uuid id;
  Uuid user_id;
  Bytes digest;
  Bytes password_fingerprint;
  Timestamp created_at;
  Timestamp expires_at;
  int failures = 0;
  std::optional<Timestamp> used_at;

  static MfaChallenge issue(Uuid id, Uuid user_id, Bytes digest, Bytes password_fingerprint,
                            Timestamp now);
  // Not used, not expired, not exhausted by wrong codes.
  bool usableAt(Timestamp now) const {
    return !used_at && now < expires_at && failures < kMfaChallengeMaxFailures;
  }
  // A wrong code: one fewer try; the fifth ends the challenge.
  void recordFailure() { ++failures; }
  void markUsed(Timestamp now) { used_at = now; }
};

}  // namespace authd::auth::domain
