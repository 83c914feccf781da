-- Performance (issue 5): every refresh loaded a user's roles with a second query and rewrote
-- user_roles on every update. user_roles stays the source of truth (foreign keys to roles);
-- role_names is a sorted copy on the user row, written in the same transaction, so loading a
-- user is one primary-key read and user_roles is written only when roles change.
ALTER TABLE users ADD COLUMN role_names JSONB NOT NULL DEFAULT '[]'::JSONB;

UPDATE users u
   SET role_names = (SELECT coalesce(jsonb_agg(r.role ORDER BY r.role), '[]'::JSONB)
                       FROM user_roles r WHERE r.user_id = u.id);

ALTER TABLE users ADD CONSTRAINT chk_users_role_names_array CHECK (jsonb_typeof(role_names) = 'array');
