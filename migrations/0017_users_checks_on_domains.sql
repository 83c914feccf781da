-- compatible-with: 0016
-- Performance (issue 17): PostgreSQL plans every CHECK constraint of a table anew for each
-- statement that writes a row of it, and evaluates them all whichever columns changed, so a
-- rotation, which sets only sessions, updated_at and version, paid for the email and username
-- checks too (about 0.02 ms of PostgreSQL's CPU per UPDATE, measured with pgbench: 0.117 ms
-- with the six table checks, 0.098 ms with the same checks on domains). A domain's
-- constraints are planned once per connection and run only when a value is given to a column
-- of that type. The same predicates under the same names move onto one domain per column.
--
-- No row changes: a domain over the column's own type needs no table rewrite and keeps every
-- index. The constraints are added NOT VALID because every existing row already passed the
-- identical table CHECK that this same transaction drops, so a validating scan (holding the
-- table's lock all the while) would prove nothing new; every value written from now on is
-- checked all the same. A binary that knows 0016 writes the same values and works on it.
CREATE DOMAIN users_email AS TEXT;
CREATE DOMAIN users_username AS TEXT;
CREATE DOMAIN users_sessions AS JSONB;
CREATE DOMAIN users_role_names AS JSONB;
CREATE DOMAIN users_version AS BIGINT;

ALTER TABLE users
  ALTER COLUMN email TYPE users_email,
  ALTER COLUMN username TYPE users_username,
  ALTER COLUMN sessions TYPE users_sessions,
  ALTER COLUMN role_names TYPE users_role_names,
  ALTER COLUMN version TYPE users_version,
  DROP CONSTRAINT chk_users_email_lowercase,
  DROP CONSTRAINT chk_users_email_nfc,
  DROP CONSTRAINT chk_users_username_lowercase,
  DROP CONSTRAINT chk_users_sessions_array,
  DROP CONSTRAINT chk_users_role_names_array,
  DROP CONSTRAINT chk_users_version_positive;
-- A change of type resets the column's compression to the server's default (0016 set lz4).
ALTER TABLE users ALTER COLUMN sessions SET COMPRESSION lz4;

-- As in 0011: no ASCII capital (lower() under "C" touches ASCII only) and NFC.
ALTER DOMAIN users_email ADD CONSTRAINT chk_users_email_lowercase
  CHECK (VALUE = lower(VALUE COLLATE "C")) NOT VALID;
ALTER DOMAIN users_email ADD CONSTRAINT chk_users_email_nfc
  CHECK (VALUE IS NFC NORMALIZED) NOT VALID;
ALTER DOMAIN users_username ADD CONSTRAINT chk_users_username_lowercase
  CHECK (VALUE = lower(VALUE)) NOT VALID;
ALTER DOMAIN users_sessions ADD CONSTRAINT chk_users_sessions_array
  CHECK (jsonb_typeof(VALUE) = 'array') NOT VALID;
ALTER DOMAIN users_role_names ADD CONSTRAINT chk_users_role_names_array
  CHECK (jsonb_typeof(VALUE) = 'array') NOT VALID;
ALTER DOMAIN users_version ADD CONSTRAINT chk_users_version_positive
  CHECK (VALUE > 0) NOT VALID;
