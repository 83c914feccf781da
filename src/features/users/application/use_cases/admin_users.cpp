#include "features/users/application/use_cases/admin_users.hpp"

#include <charconv>

#include "features/users/application/modify_user.hpp"
#include "shared/core/encoding.hpp"

namespace authd::users::application {
namespace {

constexpr std::size_t kDefaultLimit = 20;
constexpr std::size_t kMaxLimit = 100;

std::optional<long long> parseInteger(const std::string& s) {
  long long v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

}  // namespace

std::string ListUsers::encodeCursor(Timestamp created_at, const Uuid& id) {
  return base64UrlEncode(std::to_string(toMicros(created_at)) + "." + id.toString());
}

std::optional<std::pair<Timestamp, Uuid>> ListUsers::decodeCursor(const std::string& cursor) {
  auto raw = base64UrlDecode(cursor);
  if (!raw || raw->size() > 64) return std::nullopt;
  const std::string text(raw->begin(), raw->end());
  const auto dot = text.find('.');
  if (dot == std::string::npos) return std::nullopt;
  auto micros = parseInteger(text.substr(0, dot));
  auto id = Uuid::parse(text.substr(dot + 1));
  if (!micros || !id) return std::nullopt;
  return std::make_pair(fromMicros(*micros), *id);
}

Result<ListUsers::Output> ListUsers::execute(const Input& in) {
  UserListQuery query;
  std::vector<FieldError> errors;
  if (in.limit) {
    auto v = parseInteger(*in.limit);
    if (!v || *v < 1 || *v > static_cast<long long>(kMaxLimit)) {
      errors.push_back({"limit", "invalid_format", "limit must be an integer from 1 to 100."});
    } else {
      query.limit = static_cast<std::size_t>(*v);
    }
  } else {
    query.limit = kDefaultLimit;
  }
  if (in.cursor) {
    query.after = decodeCursor(*in.cursor);
    if (!query.after) errors.push_back({"cursor", "invalid_format", "cursor is not valid."});
  }
  if (in.q && !in.q->empty()) {
    if (in.q->size() > 254) errors.push_back({"q", "too_long", "q must be at most 254 characters."});
    query.prefix = domain::normaliseIdentifier(*in.q);
  }
  if (!errors.empty()) return validationFailed(std::move(errors));

  // Ask for one more than the page to know whether another page follows.
  const std::size_t page = query.limit;
  query.limit = page + 1;
  std::vector<domain::User> users;
  {
    auto tx = uow_.begin();
    users = users_.list(query);
  }
  Output out;
  if (users.size() > page) {
    users.erase(users.begin() + static_cast<std::ptrdiff_t>(page), users.end());
    out.next_cursor = encodeCursor(users.back().state().created_at, users.back().id());
  }
  out.users = std::move(users);
  return out;
}

Result<domain::User> GetUser::execute(const std::string& id) {
  const auto uuid = Uuid::parse(id);
  if (!uuid) return fail(ErrorCode::NotFound, "No such user.");
  auto tx = uow_.begin();
  auto user = users_.findById(*uuid);
  if (!user) return fail(ErrorCode::NotFound, "No such user.");
  return std::move(*user);
}

Status ChangeRole::execute(const Input& in) {
  const auto uuid = Uuid::parse(in.user_id);
  if (!uuid) return fail(ErrorCode::NotFound, "No such user.");
  if (!domain::isValidRoleName(in.role)) return fail(ErrorCode::NotFound, "No such role.");
  return modifyUser(uow_, users_, *uuid, [&](domain::User& user) -> Result<Write> {
    const Timestamp now = clock_.now();
    const bool changed = in.grant ? user.grantRole(in.role, now) : user.revokeRole(in.role, now);
    if (!changed) return Write::No;
    audit_.record(in.grant ? AuditEventType::RoleGranted : AuditEventType::RoleRevoked, user.id(),
                  in.client);
    return Write::Yes;
  });
}

}  // namespace authd::users::application
