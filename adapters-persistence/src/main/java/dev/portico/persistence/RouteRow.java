package dev.portico.persistence;

import dev.portico.domain.model.HostPattern;
import dev.portico.domain.model.Hsts;
import dev.portico.domain.model.Route;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** One row of {@code routes}; its hosts live in {@code route_hosts}. HSTS is off when its max-age is NULL (V5). */
record RouteRow(String name, String pathPrefix, String upstreamName, boolean stripPrefix, boolean preserveHost,
                long timeoutMs, boolean redirectToHttps, Long hstsMaxAgeSeconds, boolean hstsIncludeSubdomains,
                boolean hstsPreload, long webSocketIdleTimeoutMs, long updatedRevision) {
    static RouteRow map(ResultSet row) throws SQLException {
        return new RouteRow(row.getString("name"), row.getString("path_prefix"), row.getString("upstream_name"),
                row.getBoolean("strip_prefix"), row.getBoolean("preserve_host"), row.getLong("timeout_ms"),
                row.getBoolean("redirect_to_https"), row.getObject("hsts_max_age_s", Long.class),
                row.getBoolean("hsts_include_subdomains"), row.getBoolean("hsts_preload"),
                row.getLong("websocket_idle_timeout_ms"), row.getLong("updated_revision"));
    }

    /** The value of {@code hsts_max_age_s}: null when the route sends no HSTS header. */
    static Long hstsMaxAgeSeconds(Route route) {
        return route.hsts().map(hsts -> hsts.maxAge().toSeconds()).orElse(null);
    }

    Route toRoute(List<HostPattern> hosts) {
        Optional<Hsts> hsts = hstsMaxAgeSeconds == null ? Optional.empty()
                : Optional.of(new Hsts(Duration.ofSeconds(hstsMaxAgeSeconds), hstsIncludeSubdomains, hstsPreload));
        return new Route(name, hosts, pathPrefix, upstreamName, stripPrefix, preserveHost, Duration.ofMillis(timeoutMs),
                redirectToHttps, hsts, Duration.ofMillis(webSocketIdleTimeoutMs));
    }
}
