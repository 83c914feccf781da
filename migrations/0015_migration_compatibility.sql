-- compatible-with: 0014
-- Rolling upgrades (contract, "Running several instances"): each applied migration records the
-- oldest binary that still works with it, named by the newest migration that binary knows. An
-- instance whose binary lacks some applied migrations stays ready while every one of them is
-- compatible with it. NULL: only binaries that know the migration. Expand-only: a binary that
-- knows 0014 reads and writes schema_migrations by named columns and ignores this one.
ALTER TABLE schema_migrations ADD COLUMN compatible_with INTEGER NULL;
ALTER TABLE schema_migrations ADD CONSTRAINT chk_schema_migrations_compatible_with
  CHECK (compatible_with IS NULL OR (compatible_with > 0 AND compatible_with < version));
