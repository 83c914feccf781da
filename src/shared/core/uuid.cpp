#include "shared/core/uuid.hpp"

#include <stdexcept>

#include "shared/core/encoding.hpp"

namespace authd {

Uuid Uuid::v7(Timestamp now, RandomSource& random) {
  const Bytes rnd = random.bytes(10);
  if (rnd.size() != 10) {
    throw std::logic_error("RandomSource returned the wrong number of bytes");
  }
  const auto ms = static_cast<std::uint64_t>(toMicros(now) / 1000);
  Octets o{};
  for (int i = 0; i < 6; ++i) {
    o[i] = static_cast<std::uint8_t>(ms >> (8 * (5 - i)));
  }
  for (int i = 0; i < 10; ++i) {
    o[6 + i] = rnd[i];
  }
  o[6] = static_cast<std::uint8_t>(0x70 | (o[6] & 0x0F));  // version 7
  o[8] = static_cast<std::uint8_t>(0x80 | (o[8] & 0x3F));  // RFC 9562 variant
  return Uuid(o);
}

std::optional<Uuid> Uuid::parse(std::string_view text) {
  if (text.size() != 36) {
    return std::nullopt;
  }
  Octets o{};
  std::size_t j = 0;
  for (std::size_t i = 0; i < 36;) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (text[i] != '-') return std::nullopt;
      ++i;
      continue;
    }
    const int hi = hexDigitValue(text[i]);
    const int lo = hexDigitValue(text[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    o[j++] = static_cast<std::uint8_t>(hi << 4 | lo);
    i += 2;
  }
  return Uuid(o);
}

std::string Uuid::toString() const {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string s;
  s.reserve(36);
  for (std::size_t i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) s.push_back('-');
    s.push_back(kHex[octets_[i] >> 4]);
    s.push_back(kHex[octets_[i] & 0x0F]);
  }
  return s;
}

bool Uuid::isNil() const {
  for (auto b : octets_) {
    if (b != 0) return false;
  }
  return true;
}

}  // namespace authd
