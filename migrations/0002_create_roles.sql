-- Roles as rows, so granting an unknown role fails on the foreign key.
CREATE TABLE roles (
  name        TEXT        NOT NULL,
  description TEXT        NOT NULL DEFAULT '',
  created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
  CONSTRAINT pk_roles PRIMARY KEY (name),
  CONSTRAINT chk_roles_name_format CHECK (name ~ '^[a-z][a-z0-9_.-]{0,31}$')
);

CREATE TABLE user_roles (
  user_id UUID NOT NULL,
  role    TEXT NOT NULL,
  CONSTRAINT pk_user_roles PRIMARY KEY (user_id, role),
  CONSTRAINT fk_user_roles_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
  CONSTRAINT fk_user_roles_role FOREIGN KEY (role) REFERENCES roles (name)
);

CREATE INDEX ix_user_roles_role ON user_roles (role);

INSERT INTO roles (name, description) VALUES
  ('user', 'Every registered account'),
  ('admin', 'Manages users and roles')
ON CONFLICT DO NOTHING;
