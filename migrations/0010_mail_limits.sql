-- Per-recipient mail limits (contract, "Abuse limits"): the outbox is counted by recipient and
-- age on every link request, and a link mail carries its link's expiry so that a mail which
-- waited too long is dropped instead of sent. Expand-only: older binaries ignore the column.
ALTER TABLE mail_outbox ADD COLUMN expires_at TIMESTAMPTZ NULL;

CREATE INDEX ix_mail_outbox_recipient_created_at ON mail_outbox (recipient, created_at);
