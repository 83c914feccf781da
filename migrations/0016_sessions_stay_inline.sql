-- compatible-with: 0015
-- Performance (issue 17): every refresh rewrites the users row, and with a few sessions the row
-- passes TOAST's 2 kB threshold, so PostgreSQL compressed the sessions array with pglz on every
-- rotation (the largest single item of its profile). Rows now stay whole and uncompressed up to
-- a page (toast_tuple_target at its maximum), and what is still compressed uses lz4, several
-- times cheaper than pglz. Whole rows are larger, so pages keep half their room free
-- (fillfactor 50): a rotation's new row version then fits beside the old one and the update
-- stays HOT, with no new entry in any of the four indexes (with full pages, 44 % of the
-- rotations measured wrote all four). Storage settings only: no data or column changes, so
-- every binary that knows 0015 works on it.
ALTER TABLE users SET (toast_tuple_target = 8160, fillfactor = 50);
ALTER TABLE users ALTER COLUMN sessions SET COMPRESSION lz4;
