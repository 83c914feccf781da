-- Ed25519 signing keys. The private half is sealed with the master key (crypto_secretbox);
-- the database never holds it in the clear.
CREATE TABLE signing_keys (
  kid                TEXT        NOT NULL,
  public_key         TEXT        NOT NULL,
  sealed_private_key TEXT        NOT NULL,
  status             TEXT        NOT NULL,
  created_at         TIMESTAMPTZ NOT NULL,
  retired_at         TIMESTAMPTZ NULL,
  CONSTRAINT pk_signing_keys PRIMARY KEY (kid),
  CONSTRAINT chk_signing_keys_status CHECK (status IN ('active', 'retired')),
  CONSTRAINT chk_signing_keys_retired_at CHECK ((status = 'retired') = (retired_at IS NOT NULL))
);

-- At most one active key at a time.
CREATE UNIQUE INDEX uq_signing_keys_active ON signing_keys (status) WHERE status = 'active';
