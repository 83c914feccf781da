-- Email change (contract, "Email change"; issue 14): a single-use link to the new address,
-- which the token row carries until it is confirmed. Expand-only: an older binary never reads
-- 'email_change' rows (it looks tokens up by kind) and ignores the column.
ALTER TABLE account_tokens ADD COLUMN new_email TEXT NULL;

ALTER TABLE account_tokens DROP CONSTRAINT chk_account_tokens_kind;
ALTER TABLE account_tokens ADD CONSTRAINT chk_account_tokens_kind
  CHECK (kind IN ('verify_email', 'password_reset', 'email_change'));
ALTER TABLE account_tokens ADD CONSTRAINT chk_account_tokens_new_email
  CHECK ((kind = 'email_change') = (new_email IS NOT NULL));

ALTER TABLE auth_events DROP CONSTRAINT chk_auth_events_type;
ALTER TABLE auth_events ADD CONSTRAINT chk_auth_events_type CHECK (type IN (
  'register', 'login_succeeded', 'login_failed', 'refresh_token_reused', 'logout', 'logout_all',
  'session_revoked', 'password_changed', 'password_reset', 'email_verified', 'role_granted',
  'role_revoked', 'profile_updated', 'account_deleted', 'lockout_lifted', 'mfa_enabled',
  'mfa_disabled', 'mfa_failed', 'recovery_code_used', 'recovery_codes_regenerated',
  'email_change_requested', 'email_changed'));
