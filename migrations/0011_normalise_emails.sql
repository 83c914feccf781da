-- Emails in one spelling (issue 12, finding 8): Unicode NFC, lower-cased by the full Unicode
-- mapping with no language's special rules, as authd's libunistring folding does. Before this,
-- the NFC and NFD spellings of one address could both register, and a non-ASCII capital gave a
-- 500 (PostgreSQL's lower() follows the database's locale and disagreed with ours).
--
-- Existing rows are folded here with ICU's root-locale lower() when the server has ICU, else
-- the database's own. Where two accounts fold to one address the older keeps it; the newer
-- gets the placeholder <id>@email-collision.invalid (still signs in by username; an admin or
-- the owner sets a new address) and the migration log names both ids.
DO $$
DECLARE
  fold_collation TEXT := CASE
    WHEN EXISTS (SELECT 1 FROM pg_collation WHERE collname = 'und-x-icu') THEN 'und-x-icu'
    ELSE 'default' END;
  r RECORD;
BEGIN
  EXECUTE format(
    'CREATE TEMPORARY TABLE email_folds ON COMMIT DROP AS '
    'SELECT id, created_at, email, lower(normalize(email, NFC) COLLATE %I) AS folded FROM users',
    fold_collation);

  FOR r IN
    SELECT f.id, f.folded, k.id AS kept
    FROM email_folds f
    JOIN LATERAL (SELECT g.id FROM email_folds g WHERE g.folded = f.folded
                  ORDER BY g.created_at, g.id LIMIT 1) k ON TRUE
    WHERE k.id <> f.id
    ORDER BY f.created_at, f.id
  LOOP
    RAISE WARNING 'account % has the email of the older account % once both are normalised; '
      'the older keeps it, account % now has %@email-collision.invalid', r.id, r.kept, r.id, r.id;
    UPDATE users SET email = r.id || '@email-collision.invalid', email_verified = FALSE
      WHERE id = r.id;
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
