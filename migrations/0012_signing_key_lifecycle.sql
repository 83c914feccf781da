-- Signing-key pre-publication and revocation (issue 12, finding 7; contract, "Signing keys").
-- `rotate-keys` adds a 'pending' key: published in the JWKS at once, signing only from
-- activates_at, so relying services that cache the JWKS never meet an unknown kid.
-- `revoke-key` marks a key 'revoked': out of the JWKS and of verification. Expand-only: an
-- older binary reads only 'active' and 'retired' rows.
ALTER TABLE signing_keys ADD COLUMN activates_at TIMESTAMPTZ NULL;
ALTER TABLE signing_keys ADD COLUMN revoked_at TIMESTAMPTZ NULL;

ALTER TABLE signing_keys DROP CONSTRAINT chk_signing_keys_status;
ALTER TABLE signing_keys ADD CONSTRAINT chk_signing_keys_status
  CHECK (status IN ('pending', 'active', 'retired', 'revoked'));
ALTER TABLE signing_keys DROP CONSTRAINT chk_signing_keys_retired_at;
ALTER TABLE signing_keys ADD CONSTRAINT chk_signing_keys_retired_at
  CHECK (status <> 'retired' OR retired_at IS NOT NULL);
ALTER TABLE signing_keys ADD CONSTRAINT chk_signing_keys_activates_at
  CHECK (status <> 'pending' OR activates_at IS NOT NULL);
ALTER TABLE signing_keys ADD CONSTRAINT chk_signing_keys_revoked_at
  CHECK ((status = 'revoked') = (revoked_at IS NOT NULL));

-- At most one key waiting to become active.
CREATE UNIQUE INDEX uq_signing_keys_pending ON signing_keys (status) WHERE status = 'pending';
