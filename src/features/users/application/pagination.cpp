#include "features/users/application/pagination.hpp"

#include <charconv>

#include "shared/core/encoding.hpp"

namespace authd::users::application {
namespace {

constexpr std::size_t kDefaultLimit = 20;
constexpr long long kMaxLimit = 100;

std::optional<long long> parseInteger(const std::string& s) {
  long long v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

}  // namespace

PageRequest parsePageRequest(const std::optional<std::string>& limit,
                             const std::optional<std::string>& cursor,
                             std::vector<FieldError>& errors) {
  PageRequest page;
  page.limit = kDefaultLimit;
  if (limit) {
    const auto v = parseInteger(*limit);
    if (!v || *v < 1 || *v > kMaxLimit) {
      errors.push_back({"limit", "invalid_format", "limit must be an integer from 1 to 100."});
    } else {
      page.limit = static_cast<std::size_t>(*v);
    }
  }
  if (cursor) {
    page.after = decodeCursor(*cursor);
    if (!page.after) errors.push_back({"cursor", "invalid_format", "cursor is not valid."});
  }
  return page;
}

std::string encodeCursor(const PageKey& key) {
  return base64UrlEncode(std::to_string(toMicros(key.at)) + "." + key.id.toString());
}

std::optional<PageKey> decodeCursor(const std::string& cursor) {
  const auto raw = base64UrlDecode(cursor);
  if (!raw || raw->size() > 64) return std::nullopt;
  const std::string text(raw->begin(), raw->end());
  const auto dot = text.find('.');
  if (dot == std::string::npos) return std::nullopt;
  const auto micros = parseInteger(text.substr(0, dot));
  const auto id = Uuid::parse(text.substr(dot + 1));
  if (!micros || !id) return std::nullopt;
  return PageKey{fromMicros(*micros), *id};
}

}  // namespace authd::users::application
