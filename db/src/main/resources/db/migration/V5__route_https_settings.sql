-- Per-route HTTPS redirect, HSTS and WebSocket idle timeout (issue 4). Portable: the same statements run on H2 2.x
-- and PostgreSQL 13+. Existing routes keep behaving as before: no redirect, no HSTS header, WebSockets closed after
-- an hour without a frame.

ALTER TABLE routes ADD COLUMN redirect_to_https BOOLEAN DEFAULT FALSE NOT NULL;
-- hsts_max_age_s NULL means no Strict-Transport-Security header (and then the two flags are FALSE).
ALTER TABLE routes ADD COLUMN hsts_max_age_s BIGINT;
ALTER TABLE routes ADD COLUMN hsts_include_subdomains BOOLEAN DEFAULT FALSE NOT NULL;
ALTER TABLE routes ADD COLUMN hsts_preload BOOLEAN DEFAULT FALSE NOT NULL;
ALTER TABLE routes ADD COLUMN websocket_idle_timeout_ms BIGINT DEFAULT 3600000 NOT NULL;
