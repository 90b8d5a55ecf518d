-- Load balancing, health checks, retries and draining (issue 5). Portable: the same statements run on H2 2.x and
-- PostgreSQL 13+. Existing upstreams and targets take the defaults Portico used before: round robin, no active
-- check, passive health and retries at their defaults, no connection limit, not draining.

ALTER TABLE upstreams ADD COLUMN policy VARCHAR(32) DEFAULT 'round_robin' NOT NULL;
-- client_ip, header:<Name> or cookie:<name>; only the hash policy reads it.
ALTER TABLE upstreams ADD COLUMN hash_on VARCHAR(300) DEFAULT 'client_ip' NOT NULL;

-- The active check; hc_path NULL means none (and then every other hc_ column is NULL too).
ALTER TABLE upstreams ADD COLUMN hc_path VARCHAR(1024);
ALTER TABLE upstreams ADD COLUMN hc_interval_ms BIGINT;
ALTER TABLE upstreams ADD COLUMN hc_timeout_ms BIGINT;
ALTER TABLE upstreams ADD COLUMN hc_healthy_after INTEGER;
ALTER TABLE upstreams ADD COLUMN hc_unhealthy_after INTEGER;
ALTER TABLE upstreams ADD COLUMN hc_expect_low INTEGER;
ALTER TABLE upstreams ADD COLUMN hc_expect_high INTEGER;

-- Passive health; passive_max_failures 0 turns it off.
ALTER TABLE upstreams ADD COLUMN passive_max_failures INTEGER DEFAULT 3 NOT NULL;
ALTER TABLE upstreams ADD COLUMN passive_window_ms BIGINT DEFAULT 10000 NOT NULL;
ALTER TABLE upstreams ADD COLUMN passive_eject_ms BIGINT DEFAULT 1000 NOT NULL;
ALTER TABLE upstreams ADD COLUMN passive_max_eject_ms BIGINT DEFAULT 10000 NOT NULL;
ALTER TABLE upstreams ADD COLUMN passive_count_5xx BOOLEAN DEFAULT FALSE NOT NULL;

ALTER TABLE upstreams ADD COLUMN retry_attempts INTEGER DEFAULT 2 NOT NULL;
ALTER TABLE upstreams ADD COLUMN retry_total_timeout_ms BIGINT DEFAULT 10000 NOT NULL;

-- 0: no limit.
ALTER TABLE upstream_targets ADD COLUMN max_connections INTEGER DEFAULT 0 NOT NULL;
ALTER TABLE upstream_targets ADD COLUMN drain BOOLEAN DEFAULT FALSE NOT NULL;
