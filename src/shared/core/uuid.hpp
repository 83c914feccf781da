#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "shared/core/random_source.hpp"
#include "shared/core/time.hpp"

namespace authd {

// A UUID as 16 bytes; text form is lowercase 8-4-4-4-12 hex.
class Uuid {
 public:
  using Octets = std::array<std::uint8_t, 16>;

  Uuid() = default;  // nil UUID
  explicit Uuid(const Octets& octets) : octets_(octets) {}

  // Version 7 (RFC 9562): 48-bit Unix milliseconds, then random bits. Time-ordered ids keep
  // B-tree inserts local and make (created_at, id) keyset pagination stable.
  static Uuid v7(Timestamp now, RandomSource& random);

  // Accepts the 36-character hyphenated form in either case; nullopt for anything else.
  // Validate before a value reaches PostgreSQL: a malformed UUID aborts the transaction.
  static std::optional<Uuid> parse(std::string_view text);

  std::string toString() const;
  const Octets& octets() const { return octets_; }
  bool isNil() const;

  friend bool operator==(const Uuid& a, const Uuid& b) { return a.octets_ == b.octets_; }
  friend bool operator!=(const Uuid& a, const Uuid& b) { return !(a == b); }
  friend bool operator<(const Uuid& a, const Uuid& b) { return a.octets_ < b.octets_; }

 private:
  Octets octets_{};
};

}  // namespace authd
