-- Emails in one spelling (issue 12, finding 8): Unicode NFC, lower-cased by the full Unicode
-- mapping with no language's special rules, as authd's libunistring folding does. Before this,
-- the NFC and NFD spellings of one address could both register, and a non-ASCII capital gave a
-- 500 (PostgreSQL's lower() follows the database's locale and disagreed with ours).
--
-- Existing rows are folded with ICU's root-locale lower() (full case mapping, like
-- libunistring), between two NFC normalisations: the database's own lower() may follow a C or
-- other locale and fold differently, so without ICU this migration stops instead. Where two or
-- more accounts fold to one address, one keeps it: a live account before a deleted one, a
-- verified address before an unverified one, then the older. The others get the placeholder
-- <id>@email-collision.invalid (they still sign in by username; the owner or an admin sets a
-- new address), their unused mail links end, and the migration log names both ids.
DO $$
DECLARE
  r RECORD;
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_collation WHERE collname = 'und-x-icu') THEN
    RAISE EXCEPTION 'migration 0011 needs PostgreSQL built with ICU (collation "und-x-icu") '
      'to fold stored emails as authd does';
  END IF;

  CREATE TEMPORARY TABLE email_folds ON COMMIT DROP AS
    SELECT id, created_at, deleted_at, email_verified, email,
           normalize(lower(normalize(email, NFC) COLLATE "und-x-icu"), NFC) AS folded
    FROM users;

  FOR r IN
    SELECT f.id, f.email, k.id AS kept
    FROM email_folds f
    JOIN LATERAL (SELECT g.id FROM email_folds g WHERE g.folded = f.folded
                  ORDER BY g.deleted_at IS NOT NULL, g.email_verified DESC, g.created_at, g.id
                  LIMIT 1) k ON TRUE
    WHERE k.id <> f.id
    ORDER BY f.created_at, f.id
  LOOP
    RAISE WARNING 'account % has the email of account % once both are normalised; account % '
      'keeps it, account % now has %@email-collision.invalid', r.id, r.kept, r.kept, r.id, r.id;
    UPDATE users SET email = r.id || '@email-collision.invalid', email_verified = FALSE
      WHERE id = r.id;
    UPDATE account_tokens SET used_at = now() WHERE user_id = r.id AND used_at IS NULL;
    UPDATE mail_outbox SET failed_at = now(), sealed_content = '',
                           last_error = 'address given up by migration 0011'
      WHERE recipient = r.email AND sent_at IS NULL AND failed_at IS NULL;
    DELETE FROM email_folds WHERE id = r.id;
  END LOOP;

  UPDATE users u SET email = f.folded
    FROM email_folds f
    WHERE u.id = f.id AND u.email <> f.folded;
END $$;

-- The checks agree with authd's folding on every server, whatever its locale: no ASCII capital
-- (lower() under the "C" collation touches ASCII only) and NFC. Full Unicode lower-casing is
-- authd's, since lower() under another collation may map a character differently.
ALTER TABLE users DROP CONSTRAINT chk_users_email_lowercase;
ALTER TABLE users ADD CONSTRAINT chk_users_email_lowercase CHECK (email = lower(email COLLATE "C"));
ALTER TABLE users ADD CONSTRAINT chk_users_email_nfc CHECK (email IS NFC NORMALIZED);
