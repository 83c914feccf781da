-- Failed-login counters per login identifier (contract, "Abuse limits"), shared by every
-- instance. The identifier is stored only as a keyed BLAKE2b digest (hex), so the table
-- reveals neither which accounts exist nor what strangers typed. A row's window starts at
-- its first counted attempt; a success deletes the row.
CREATE TABLE login_failures (
  identifier_digest TEXT        NOT NULL,
  attempts          INTEGER     NOT NULL,
  window_started_at TIMESTAMPTZ NOT NULL,
  CONSTRAINT pk_login_failures PRIMARY KEY (identifier_digest),
  CONSTRAINT chk_login_failures_attempts CHECK (attempts > 0)
);

-- Expired windows are swept by age.
CREATE INDEX ix_login_failures_window_started_at ON login_failures (window_started_at);
