-- 001_users.sql -- the users table (auth service). Applied once by auth or
-- iseecubes-admin under pg_advisory_lock, recorded in schema_migrations.
--
-- name:    the login name, also a Redis hash field, part of room names
--          ("Era&Lisa") and of Socket.IO packets, hence the narrow alphabet.
-- pw_hash: libsodium crypto_pwhash_str output ($argon2id$...); NULL means
--          the account cannot log in (bots).
CREATE TABLE users (
    id         bigserial   PRIMARY KEY,
    name       text        NOT NULL UNIQUE
               CONSTRAINT users_name_format
               CHECK (name ~ '^[A-Za-z0-9_.-]{1,32}$'),
    pw_hash    text,
    role       text        NOT NULL DEFAULT 'user'
               CONSTRAINT users_role_check
               CHECK (role IN ('user', 'admin', 'bot')),
    status     text        NOT NULL DEFAULT 'enabled'
               CONSTRAINT users_status_check
               CHECK (status IN ('enabled', 'disabled')),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX users_enabled_idx ON users (name) WHERE status = 'enabled';
