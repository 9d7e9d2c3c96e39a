-- 003_users_name_order.sql -- enabled users in byte order, straight from
-- an index: the contacts list and the Redis mirror read
--   SELECT name FROM users WHERE status = 'enabled' ORDER BY name COLLATE "C"
-- on every call, so it must not sort (index-only scan instead).
CREATE INDEX users_enabled_name_c_idx
    ON users (name COLLATE "C", role) WHERE status = 'enabled';
DROP INDEX users_enabled_idx;
