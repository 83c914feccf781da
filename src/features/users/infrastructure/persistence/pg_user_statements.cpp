#include "features/users/infrastructure/persistence/pg_user_statements.hpp"

#include <stdexcept>
#include <string>

#include "features/users/infrastructure/persistence/sessions_json.hpp"
#include "features/users/infrastructure/persistence/user_record_mapper.hpp"
#include "shared/infrastructure/pg_statement.hpp"

namespace authd::users::infrastructure {
namespace {

// Timestamps travel as whole microseconds since the epoch: exact both ways, and independent
// of the session's DateStyle.
#define AUTHD_MICROS(column) "(extract(epoch FROM " column ") * 1000000)::BIGINT"

// Only the session asked for leaves the server, not the whole array: the bearer check of
// every request reads a few dozen bytes instead of the user's sessions.
constexpr PgStatement kFindSession{
    "authd_fast_find_session",
    "SELECT u.role_names::TEXT, s->>'expires_at', s->>'last_used_at', "
    "       s->'amr' = '[\"pwd\", \"otp\"]'::JSONB "
    "FROM users u CROSS JOIN LATERAL jsonb_array_elements(u.sessions) AS s "
    "WHERE u.id = $1::UUID AND u.deleted_at IS NULL AND s->>'id' = $2 LIMIT 1",
    true};

constexpr PgStatement kFindProfile{
    "authd_fast_find_profile",
    "SELECT email, username, display_name, email_verified, mfa_enabled, role_names::TEXT, "
    AUTHD_MICROS("created_at") ", " AUTHD_MICROS("updated_at") " "
    "FROM users WHERE id = $1::UUID AND deleted_at IS NULL",
    true};

constexpr PgStatement kFindUser{
    "authd_fast_find_user",
    "SELECT email, username, display_name, password_hash, email_verified, mfa_enabled, "
    "sessions::TEXT, " AUTHD_MICROS("created_at") ", " AUTHD_MICROS("updated_at") ", version, "
    "role_names::TEXT FROM users WHERE id = $1::UUID AND deleted_at IS NULL",
    true};

// The optimistic version check of OdbUserRepository::update (ODB's `version = version + 1`
// guarded by the old value), on the two columns a session change touches.
constexpr PgStatement kStoreSessions{
    "authd_fast_store_sessions",
    "UPDATE users SET sessions = $2::JSONB, "
    "updated_at = 'epoch'::TIMESTAMPTZ + $3::BIGINT * INTERVAL '1 microsecond', "
    "version = version + 1 "
    "WHERE id = $1::UUID AND version = $4::BIGINT AND deleted_at IS NULL",
    false};

#undef AUTHD_MICROS

bool boolOf(std::string_view text) { return text == "t"; }

Timestamp timeOf(std::string_view text) {
  const auto t = parseRfc3339(text);
  if (!t) throw std::runtime_error("stored session has a malformed time");
  return *t;
}

}  // namespace

std::optional<application::LiveSession> PgUserStatements::findSession(const Uuid& user_id,
                                                                      const Uuid& session_id) {
  const auto rows = runStatement(*db_, kFindSession, {user_id.toString(), session_id.toString()});
  if (rows.rows() == 0) return std::nullopt;
  application::LiveSession s;
  s.roles = roleNamesFromJson(rows.text(0, 0));
  s.expires_at = timeOf(rows.text(0, 1));
  s.last_used_at = timeOf(rows.text(0, 2));
  // Sessions written before MFA existed have no amr: those were password logins.
  s.methods = !rows.null(0, 3) && boolOf(rows.text(0, 3)) ? domain::AuthMethods::PasswordAndOtp
                                                          : domain::AuthMethods::Password;
  return s;
}

std::optional<domain::Profile> PgUserStatements::findProfile(const Uuid& user_id) {
  const auto rows = runStatement(*db_, kFindProfile, {user_id.toString()});
  if (rows.rows() == 0) return std::nullopt;
  domain::Profile p;
  p.id = user_id;
  p.email = rows.text(0, 0);
  p.username = rows.text(0, 1);
  if (!rows.null(0, 2)) p.display_name = std::string(rows.text(0, 2));
  p.email_verified = boolOf(rows.text(0, 3));
  p.mfa_enabled = boolOf(rows.text(0, 4));
  p.roles = roleNamesFromJson(rows.text(0, 5));
  p.created_at = fromMicros(bigintOf(rows.text(0, 6)));
  p.updated_at = fromMicros(bigintOf(rows.text(0, 7)));
  return p;
}

std::optional<domain::User> PgUserStatements::findUser(const Uuid& user_id) {
  const auto rows = runStatement(*db_, kFindUser, {user_id.toString()});
  if (rows.rows() == 0) return std::nullopt;
  // The record OdbUserRepository would have loaded, so one mapper reads both.
  records::UserRecord r;
  r.id = user_id.toString();
  r.email = rows.text(0, 0);
  r.username = rows.text(0, 1);
  if (!rows.null(0, 2)) r.display_name = std::string(rows.text(0, 2));
  r.password_hash = rows.text(0, 3);
  r.email_verified = boolOf(rows.text(0, 4));
  r.mfa_enabled = boolOf(rows.text(0, 5));
  r.sessions = rows.text(0, 6);
  r.created_at = bigintOf(rows.text(0, 7));
  r.updated_at = bigintOf(rows.text(0, 8));
  r.version = static_cast<unsigned long long>(bigintOf(rows.text(0, 9)));
  r.role_names = rows.text(0, 10);
  return toDomain(r);
}

Status PgUserStatements::storeSessions(domain::User& user) {
  const auto& s = user.state();
  // Roles live in user_roles too: a role change must go through UserRepository::update.
  if (s.roles_changed) throw std::logic_error("storeSessions cannot store a role change");
  const auto rows =
      runStatement(*db_, kStoreSessions,
                   {s.id.toString(), writeSessionsJson(s.sessions),
                    std::to_string(toMicros(s.updated_at)), std::to_string(s.version)});
  if (rows.affected() != 1) return fail(ErrorCode::Conflict, "user changed concurrently");
  user.setVersion(s.version + 1);
  return ok();
}

}  // namespace authd::users::infrastructure
