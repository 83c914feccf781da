-- Users, with their refresh-token sessions as a JSONB array (token hashes only).
-- Email and username are stored normalised to lower case, so a plain unique constraint is
-- case-insensitive and its index serves the equality lookups of login.
-- Deleted rows keep their email and username: soft-deleted accounts stay reserved.
CREATE TABLE users (
  id             UUID        NOT NULL,
  email          TEXT        NOT NULL,
  username       TEXT        NOT NULL,
  display_name   TEXT        NULL,
  password_hash  TEXT        NOT NULL,
  email_verified BOOLEAN     NOT NULL DEFAULT FALSE,
  sessions       JSONB       NOT NULL DEFAULT '[]'::JSONB,
  created_at     TIMESTAMPTZ NOT NULL,
  updated_at     TIMESTAMPTZ NOT NULL,
  deleted_at     TIMESTAMPTZ NULL,
  version        BIGINT      NOT NULL,
  CONSTRAINT pk_users PRIMARY KEY (id),
  CONSTRAINT uq_users_email UNIQUE (email),
  CONSTRAINT uq_users_username UNIQUE (username),
  CONSTRAINT chk_users_email_lowercase CHECK (email = lower(email)),
  CONSTRAINT chk_users_username_lowercase CHECK (username = lower(username)),
  CONSTRAINT chk_users_sessions_array CHECK (jsonb_typeof(sessions) = 'array'),
  CONSTRAINT chk_users_version_positive CHECK (version > 0)
);

-- Keyset pagination of live users, newest first.
CREATE INDEX ix_users_created_at_id ON users (created_at DESC, id DESC) WHERE deleted_at IS NULL;
