-- Symmetric keys the service keeps across restarts and master-key rotations (the refresh- and
-- account-token digest keys, the login-identifier digest key), each sealed with the master
-- key (crypto_secretbox) like the private signing keys. `authd rotate-master-key` re-seals
-- them; their values never change, so no token or lockout count is lost by a rotation.
CREATE TABLE server_secrets (
  name         TEXT        NOT NULL,
  sealed_value TEXT        NOT NULL,
  created_at   TIMESTAMPTZ NOT NULL,
  CONSTRAINT pk_server_secrets PRIMARY KEY (name),
  CONSTRAINT chk_server_secrets_name CHECK (name IN (
    'refresh_token_digest', 'refresh_token_successor', 'login_identifier_digest'))
);
