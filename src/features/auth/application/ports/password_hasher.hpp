#pragma once

#include <string>
#include <string_view>

namespace authd::auth::application {

// Port: password hashing (Argon2id). Slow on purpose; call it outside transactions.
// Implementations must be thread-safe.
class PasswordHasher {
 public:
  virtual ~PasswordHasher() = default;
  // Encoded hash string (algorithm, parameters, salt, digest). Throws on resource exhaustion.
  virtual std::string hash(std::string_view password) = 0;
  // True when `password` matches `encoded`; false for a mismatch or a malformed hash.
  virtual bool verify(const std::string& encoded, std::string_view password) = 0;
  // True when `encoded` was made with weaker (or other) parameters than the configured ones,
  // or is not an Argon2id hash at all.
  virtual bool needsRehash(const std::string& encoded) = 0;
  // A valid hash of a random password to verify against when `identifier` names no account.
  // It costs what a real account's stored hash costs, also while stored hashes still carry
  // older parameters, and always the same for one identifier, so an unknown account is not
  // told apart by timing.
  virtual std::string dummyHash(std::string_view identifier) = 0;
};

}  // namespace authd::auth::application
