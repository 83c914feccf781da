-- Security audit trail, written in the same transaction as the change it records.
-- user_id is NULL for failed logins of identifiers that match no account.
CREATE TABLE auth_events (
  id         UUID        NOT NULL,
  user_id    UUID        NULL,
  type       TEXT        NOT NULL,
  at         TIMESTAMPTZ NOT NULL,
  ip         TEXT        NOT NULL DEFAULT '',
  user_agent TEXT        NOT NULL DEFAULT '',
  CONSTRAINT pk_auth_events PRIMARY KEY (id),
  CONSTRAINT fk_auth_events_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
  CONSTRAINT chk_auth_events_type CHECK (type IN (
    'register', 'login_succeeded', 'login_failed', 'refresh_token_reused', 'logout', 'logout_all',
    'session_revoked', 'password_changed', 'password_reset', 'email_verified', 'role_granted',
    'role_revoked', 'profile_updated', 'account_deleted'))
);

-- A user's events, newest first (GET /v1/auth/events keyset pagination).
CREATE INDEX ix_auth_events_user_at_id ON auth_events (user_id, at DESC, id DESC);
