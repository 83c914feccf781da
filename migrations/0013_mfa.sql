-- Multi-factor authentication (contract, "Multi-factor authentication"; issue 13).
-- Not for older binaries to serve on: they would log accounts with MFA on in with the password
-- alone. They stop being ready once it is applied (a migration they do not know).

-- Denormalised like role_names: every read of a user (the User JSON, login) needs it, and one
-- query per load is the rule. Written in the same transaction as user_mfa.
ALTER TABLE users ADD COLUMN mfa_enabled BOOLEAN NOT NULL DEFAULT false;

-- A user's TOTP second factor: the secret sealed with the master key (rotate-master-key
-- re-seals it), the last accepted time step (replay guard) and keyed BLAKE2b digests of the
-- unused recovery codes (never the codes).
CREATE TABLE user_mfa (
  user_id          UUID        NOT NULL,
  status           TEXT        NOT NULL,
  sealed_secret    TEXT        NOT NULL,
  last_step        BIGINT      NULL,
  recovery_digests JSONB       NOT NULL DEFAULT '[]',
  created_at       TIMESTAMPTZ NOT NULL,
  updated_at       TIMESTAMPTZ NOT NULL,
  CONSTRAINT pk_user_mfa PRIMARY KEY (user_id),
  CONSTRAINT fk_user_mfa_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
  CONSTRAINT chk_user_mfa_status CHECK (status IN ('pending', 'enabled')),
  CONSTRAINT chk_user_mfa_recovery_digests CHECK (jsonb_typeof(recovery_digests) = 'array')
);

-- The second step of a login: an opaque single-use token (only its keyed digest is kept),
-- bound to the password hash it was issued against, so a password change or reset ends it.
-- Kept in PostgreSQL so any instance accepts it.
CREATE TABLE mfa_challenges (
  id                   UUID        NOT NULL,
  user_id              UUID        NOT NULL,
  digest               TEXT        NOT NULL,
  password_fingerprint TEXT        NOT NULL,
  created_at           TIMESTAMPTZ NOT NULL,
  expires_at           TIMESTAMPTZ NOT NULL,
  failures             INTEGER     NOT NULL DEFAULT 0,
  used_at              TIMESTAMPTZ NULL,
  CONSTRAINT pk_mfa_challenges PRIMARY KEY (id),
  CONSTRAINT uq_mfa_challenges_digest UNIQUE (digest),
  CONSTRAINT fk_mfa_challenges_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
  CONSTRAINT chk_mfa_challenges_failures CHECK (failures >= 0),
  CONSTRAINT chk_mfa_challenges_expiry CHECK (expires_at > created_at)
);

CREATE INDEX ix_mfa_challenges_user_id ON mfa_challenges (user_id);
CREATE INDEX ix_mfa_challenges_expires_at ON mfa_challenges (expires_at);

ALTER TABLE auth_events DROP CONSTRAINT chk_auth_events_type;
ALTER TABLE auth_events ADD CONSTRAINT chk_auth_events_type CHECK (type IN (
  'register', 'login_succeeded', 'login_failed', 'refresh_token_reused', 'logout', 'logout_all',
  'session_revoked', 'password_changed', 'password_reset', 'email_verified', 'role_granted',
  'role_revoked', 'profile_updated', 'account_deleted', 'lockout_lifted', 'mfa_enabled',
  'mfa_disabled', 'mfa_failed', 'recovery_code_used', 'recovery_codes_regenerated'));

-- The recovery codes' digest key: random, and not replaced by `rotate-secrets`.
ALTER TABLE server_secrets DROP CONSTRAINT chk_server_secrets_name;
ALTER TABLE server_secrets ADD CONSTRAINT chk_server_secrets_name CHECK (name IN (
  'refresh_token_digest', 'refresh_token_successor', 'login_identifier_digest',
  'recovery_code_digest'));
