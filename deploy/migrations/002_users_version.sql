-- 002_users_version.sql -- a change counter for the users table.
--
-- Every statement that changes users bumps users_meta.version (statement
-- trigger). Each auth replica polls it and rebuilds the Redis mirror of
-- enabled users (hash "users", counter "users:ver") when it moves, so
-- changes made by iseecubes-admin or by another replica reach Redis even
-- when nobody told Redis directly. updated_at is kept by a row trigger.
CREATE TABLE users_meta (
    id      int    PRIMARY KEY CHECK (id = 1),
    version bigint NOT NULL
);
INSERT INTO users_meta (id, version) VALUES (1, 1);

CREATE FUNCTION users_bump_version() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE users_meta SET version = version + 1 WHERE id = 1;
    RETURN NULL;
END $$;

CREATE TRIGGER users_version_trg
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON users
    FOR EACH STATEMENT EXECUTE FUNCTION users_bump_version();

CREATE FUNCTION users_touch() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END $$;

CREATE TRIGGER users_touch_trg
    BEFORE UPDATE ON users
    FOR EACH ROW EXECUTE FUNCTION users_touch();
