-- An admin can lift a login lockout (DELETE /v1/admin/users/{id}/lockout); it is audited.
ALTER TABLE auth_events DROP CONSTRAINT chk_auth_events_type;
ALTER TABLE auth_events ADD CONSTRAINT chk_auth_events_type CHECK (type IN (
  'register', 'login_succeeded', 'login_failed', 'refresh_token_reused', 'logout', 'logout_all',
  'session_revoked', 'password_changed', 'password_reset', 'email_verified', 'role_granted',
  'role_revoked', 'profile_updated', 'account_deleted', 'lockout_lifted'));
