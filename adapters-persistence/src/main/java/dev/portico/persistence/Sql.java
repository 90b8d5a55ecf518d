package dev.portico.persistence;

/**
 * Every statement the stores run, each written out whole, so that one file shows what they ask of the database.
 * Each must run unchanged on H2 2.x and PostgreSQL: plain SQL only ({@code LIMIT} and {@code FOR UPDATE} are the
 * furthest it goes); the contract tests run every store on both. Named parameters are Jdbi's {@code :name}.
 */
final class Sql {
    private Sql() {
    }

    // config_revision: one row, incremented by every configuration and certificate write (RevisionWrite).

    static final String INCREMENT_REVISION = """
            UPDATE config_revision SET revision = revision + 1, applied_at = :now WHERE id = 1""";

    static final String SELECT_REVISION = """
            SELECT revision FROM config_revision WHERE id = 1""";

    /** Token writes lock the revision row, as configuration writes do, without changing it. */
    static final String LOCK_REVISION = """
            SELECT revision FROM config_revision WHERE id = 1 FOR UPDATE""";

    static final String SELECT_REVISION_STATUS = """
            SELECT revision, applied_at FROM config_revision WHERE id = 1""";

    // upstreams and their upstream_targets (UpstreamRow, TargetRow)

    static final String COUNT_UPSTREAMS = """
            SELECT COUNT(*) FROM upstreams""";

    static final String SELECT_UPSTREAMS = """
            SELECT name, updated_revision, policy, hash_on, hc_path, hc_interval_ms, hc_timeout_ms, hc_healthy_after,
                   hc_unhealthy_after, hc_expect_low, hc_expect_high, passive_max_failures, passive_window_ms,
                   passive_eject_ms, passive_max_eject_ms, passive_count_5xx, retry_attempts, retry_total_timeout_ms,
                   tls_ca_pem
            FROM upstreams""";

    static final String SELECT_UPSTREAM = """
            SELECT name, updated_revision, policy, hash_on, hc_path, hc_interval_ms, hc_timeout_ms, hc_healthy_after,
                   hc_unhealthy_after, hc_expect_low, hc_expect_high, passive_max_failures, passive_window_ms,
                   passive_eject_ms, passive_max_eject_ms, passive_count_5xx, retry_attempts, retry_total_timeout_ms,
                   tls_ca_pem
            FROM upstreams
            WHERE name = :name""";

    static final String SELECT_UPSTREAM_REVISION = """
            SELECT updated_revision FROM upstreams WHERE name = :name""";

    static final String INSERT_UPSTREAM = """
            INSERT INTO upstreams (name, created_at, updated_at, updated_revision, policy, hash_on, hc_path,
                                   hc_interval_ms, hc_timeout_ms, hc_healthy_after, hc_unhealthy_after, hc_expect_low,
                                   hc_expect_high, passive_max_failures, passive_window_ms, passive_eject_ms,
                                   passive_max_eject_ms, passive_count_5xx, retry_attempts, retry_total_timeout_ms,
                                   tls_ca_pem)
            VALUES (:name, :now, :now, :revision, :policy, :hashOn, :hcPath,
                    :hcIntervalMs, :hcTimeoutMs, :hcHealthyAfter, :hcUnhealthyAfter, :hcExpectLow,
                    :hcExpectHigh, :passiveMaxFailures, :passiveWindowMs, :passiveEjectMs,
                    :passiveMaxEjectMs, :passiveCount5xx, :retryAttempts, :retryTotalTimeoutMs,
                    :tlsCaPem)""";

    static final String UPDATE_UPSTREAM = """
            UPDATE upstreams
            SET updated_at = :now, updated_revision = :revision, policy = :policy, hash_on = :hashOn,
                hc_path = :hcPath, hc_interval_ms = :hcIntervalMs, hc_timeout_ms = :hcTimeoutMs,
                hc_healthy_after = :hcHealthyAfter, hc_unhealthy_after = :hcUnhealthyAfter,
                hc_expect_low = :hcExpectLow, hc_expect_high = :hcExpectHigh,
                passive_max_failures = :passiveMaxFailures, passive_window_ms = :passiveWindowMs,
                passive_eject_ms = :passiveEjectMs, passive_max_eject_ms = :passiveMaxEjectMs,
                passive_count_5xx = :passiveCount5xx, retry_attempts = :retryAttempts,
                retry_total_timeout_ms = :retryTotalTimeoutMs, tls_ca_pem = :tlsCaPem
            WHERE name = :name""";

    static final String DELETE_UPSTREAM = """
            DELETE FROM upstreams WHERE name = :name""";

    static final String SELECT_TARGETS = """
            SELECT upstream_name, position, url, weight, max_connections, drain
            FROM upstream_targets
            ORDER BY upstream_name, position""";

    static final String SELECT_TARGETS_OF_UPSTREAM = """
            SELECT upstream_name, position, url, weight, max_connections, drain
            FROM upstream_targets
            WHERE upstream_name = :name
            ORDER BY position""";

    static final String INSERT_TARGET = """
            INSERT INTO upstream_targets (upstream_name, position, url, weight, max_connections, drain)
            VALUES (:upstream, :position, :url, :weight, :maxConnections, :drain)""";

    static final String DELETE_TARGETS_OF_UPSTREAM = """
            DELETE FROM upstream_targets WHERE upstream_name = :name""";

    // routes and their route_hosts (RouteRow, HostRow)

    static final String COUNT_ROUTES = """
            SELECT COUNT(*) FROM routes""";

    static final String SELECT_ROUTES = """
            SELECT name, path_prefix, upstream_name, strip_prefix, preserve_host, timeout_ms, redirect_to_https,
                   hsts_max_age_s, hsts_include_subdomains, hsts_preload, websocket_idle_timeout_ms, updated_revision
            FROM routes""";

    static final String SELECT_ROUTE = """
            SELECT name, path_prefix, upstream_name, strip_prefix, preserve_host, timeout_ms, redirect_to_https,
                   hsts_max_age_s, hsts_include_subdomains, hsts_preload, websocket_idle_timeout_ms, updated_revision
            FROM routes
            WHERE name = :name""";

    static final String SELECT_ROUTE_REVISION = """
            SELECT updated_revision FROM routes WHERE name = :name""";

    static final String SELECT_ROUTES_USING_UPSTREAM = """
            SELECT name FROM routes WHERE upstream_name = :name""";

    static final String INSERT_ROUTE = """
            INSERT INTO routes (name, path_prefix, upstream_name, strip_prefix, preserve_host, timeout_ms,
                                redirect_to_https, hsts_max_age_s, hsts_include_subdomains, hsts_preload,
                                websocket_idle_timeout_ms, created_at, updated_at, updated_revision)
            VALUES (:name, :prefix, :upstream, :strip, :preserve, :timeout,
                    :redirect, :hstsMaxAge, :hstsSubdomains, :hstsPreload,
                    :webSocketIdle, :now, :now, :revision)""";

    static final String UPDATE_ROUTE = """
            UPDATE routes
            SET path_prefix = :prefix, upstream_name = :upstream, strip_prefix = :strip, preserve_host = :preserve,
                timeout_ms = :timeout, redirect_to_https = :redirect, hsts_max_age_s = :hstsMaxAge,
                hsts_include_subdomains = :hstsSubdomains, hsts_preload = :hstsPreload,
                websocket_idle_timeout_ms = :webSocketIdle, updated_at = :now, updated_revision = :revision
            WHERE name = :name""";

    static final String DELETE_ROUTE = """
            DELETE FROM routes WHERE name = :name""";

    static final String SELECT_HOSTS = """
            SELECT route_name, position, host FROM route_hosts ORDER BY route_name, position""";

    static final String SELECT_HOSTS_OF_ROUTE = """
            SELECT host FROM route_hosts WHERE route_name = :name ORDER BY position""";

    static final String INSERT_HOST = """
            INSERT INTO route_hosts (route_name, position, host) VALUES (:route, :position, :host)""";

    static final String DELETE_HOSTS_OF_ROUTE = """
            DELETE FROM route_hosts WHERE route_name = :name""";

    // certificates

    static final String SELECT_CERTIFICATES = """
            SELECT name, cert_file, key_file, cert_pem, key_pem, updated_revision
            FROM certificates
            ORDER BY name""";

    static final String SELECT_CERTIFICATE = """
            SELECT name, cert_file, key_file, cert_pem, key_pem, updated_revision
            FROM certificates
            WHERE name = :name""";

    static final String INSERT_CERTIFICATE = """
            INSERT INTO certificates (name, cert_file, key_file, cert_pem, key_pem, created_at, updated_at,
                                      updated_revision)
            VALUES (:name, :certFile, :keyFile, :certPem, :keyPem, :now, :now, :revision)""";

    static final String UPDATE_CERTIFICATE = """
            UPDATE certificates
            SET cert_file = :certFile, key_file = :keyFile, cert_pem = :certPem, key_pem = :keyPem, updated_at = :now,
                updated_revision = :revision
            WHERE name = :name""";

    static final String DELETE_CERTIFICATE = """
            DELETE FROM certificates WHERE name = :name""";

    // admin_tokens

    static final String SELECT_TOKENS = """
            SELECT name, sha256_hex, scope, created_at FROM admin_tokens""";

    static final String COUNT_TOKENS_NAMED = """
            SELECT COUNT(*) FROM admin_tokens WHERE name = :name""";

    static final String COUNT_TOKENS_OF_SCOPE = """
            SELECT COUNT(*) FROM admin_tokens WHERE scope = :scope""";

    static final String SELECT_TOKEN_SCOPE = """
            SELECT scope FROM admin_tokens WHERE name = :name""";

    static final String INSERT_TOKEN = """
            INSERT INTO admin_tokens (name, sha256_hex, scope, created_at) VALUES (:name, :hash, :scope, :createdAt)""";

    static final String UPDATE_TOKEN = """
            UPDATE admin_tokens SET sha256_hex = :hash, scope = :scope, created_at = :createdAt WHERE name = :name""";

    static final String DELETE_TOKEN = """
            DELETE FROM admin_tokens WHERE name = :name""";

    // audit_log

    static final String INSERT_AUDIT_ENTRY = """
            INSERT INTO audit_log (at, token_name, method, resource, summary, revision)
            VALUES (:at, :actor, :method, :resource, :summary, :revision)""";

    static final String SELECT_LATEST_AUDIT_ENTRIES = """
            SELECT id, at, token_name, method, resource, summary, revision
            FROM audit_log
            ORDER BY id DESC
            LIMIT :limit""";
}
