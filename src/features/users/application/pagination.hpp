// Keyset pagination shared by the list routes (admin users, security events): newest first,
// on (time, id), with an opaque cursor and a 1..100 limit.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "shared/core/result.hpp"
#include "shared/core/time.hpp"
#include "shared/core/uuid.hpp"

namespace authd::users::application {

// A position in a newest-first list: items strictly older than (at, id) come next.
struct PageKey {
  Timestamp at;
  Uuid id;
};

struct PageRequest {
  std::size_t limit = 20;
  std::optional<PageKey> after;
};

// Reads the raw `limit` (1..100, default 20) and `cursor` query values; appends an
// invalid_format FieldError for each bad one to `errors`.
PageRequest parsePageRequest(const std::optional<std::string>& limit,
                             const std::optional<std::string>& cursor,
                             std::vector<FieldError>& errors);

// Opaque cursor: base64url of "<micros>.<uuid>".
std::string encodeCursor(const PageKey& key);
std::optional<PageKey> decodeCursor(const std::string& cursor);

// `items` were fetched with limit + 1 to learn whether another page follows: cuts them to
// `limit` and returns the cursor of the last one kept, or nullopt on the last page.
template <typename T, typename KeyOf>
std::optional<std::string> trimToPage(std::vector<T>& items, std::size_t limit, KeyOf key_of) {
  if (items.size() <= limit) return std::nullopt;
  items.erase(items.begin() + static_cast<std::ptrdiff_t>(limit), items.end());
  return encodeCursor(key_of(items.back()));
}

}  // namespace authd::users::application
