-- Single-use email-verification and password-reset tokens. Only a keyed digest of each token
-- is stored; the token itself exists only in the mail.
CREATE TABLE account_tokens (
  id         UUID        NOT NULL,
  user_id    UUID        NOT NULL,
  kind       TEXT        NOT NULL,
  digest     TEXT        NOT NULL,
  created_at TIMESTAMPTZ NOT NULL,
  expires_at TIMESTAMPTZ NOT NULL,
  used_at    TIMESTAMPTZ NULL,
  CONSTRAINT pk_account_tokens PRIMARY KEY (id),
  CONSTRAINT uq_account_tokens_digest UNIQUE (digest),
  CONSTRAINT fk_account_tokens_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
  CONSTRAINT chk_account_tokens_kind CHECK (kind IN ('verify_email', 'password_reset')),
  CONSTRAINT chk_account_tokens_expiry CHECK (expires_at > created_at)
);

CREATE INDEX ix_account_tokens_user_kind ON account_tokens (user_id, kind) WHERE used_at IS NULL;

-- Mail waiting to be sent, written in the same transaction as the change that needs it and
-- drained by a background worker, so a slow or down SMTP server never blocks a request and
-- nothing is lost on restart. Bodies carry single-use links, so they are sealed with the master
-- key at rest and wiped once the mail is sent.
CREATE TABLE mail_outbox (
  id              UUID        NOT NULL,
  recipient       TEXT        NOT NULL,
  sealed_content  TEXT        NOT NULL,
  created_at      TIMESTAMPTZ NOT NULL,
  next_attempt_at TIMESTAMPTZ NOT NULL,
  attempts        INTEGER     NOT NULL DEFAULT 0,
  sent_at         TIMESTAMPTZ NULL,
  failed_at       TIMESTAMPTZ NULL,
  last_error      TEXT        NOT NULL DEFAULT '',
  CONSTRAINT pk_mail_outbox PRIMARY KEY (id),
  CONSTRAINT chk_mail_outbox_attempts CHECK (attempts >= 0)
);

CREATE INDEX ix_mail_outbox_due ON mail_outbox (next_attempt_at) WHERE sent_at IS NULL AND failed_at IS NULL;

-- Password-reset requests, queued as they arrive. The request answers after this one insert
-- whether or not an account has the email, so its timing tells nothing; the outbox worker
-- looks the email up later and mails a link only when an account has it.
CREATE TABLE password_reset_requests (
  id           UUID        NOT NULL,
  email        TEXT        NOT NULL,
  requested_at TIMESTAMPTZ NOT NULL,
  processed_at TIMESTAMPTZ NULL,
  CONSTRAINT pk_password_reset_requests PRIMARY KEY (id),
  CONSTRAINT chk_password_reset_requests_email_length CHECK (length(email) <= 254)
);

CREATE INDEX ix_password_reset_requests_pending ON password_reset_requests (requested_at)
  WHERE processed_at IS NULL;
