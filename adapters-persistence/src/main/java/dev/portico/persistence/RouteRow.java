package dev.portico.persistence;

import dev.portico.domain.model.HostPattern;
import dev.portico.domain.model.Route;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;

/** One row of {@code routes}; its hosts live in {@code route_hosts}. */
record RouteRow(String name, String pathPrefix, String upstreamName, boolean stripPrefix, boolean preserveHost,
                long timeoutMs, long updatedRevision) {
    /** The columns a write names, in the order of its values. */
    static final String COLUMNS = "name, path_prefix, upstream_name, strip_prefix, preserve_host, timeout_ms";
    /** The columns {@link #map(ResultSet)} reads. */
    static final String SELECTED = COLUMNS + ", updated_revision";

    static RouteRow map(ResultSet row) throws SQLException {
        return new RouteRow(row.getString("name"), row.getString("path_prefix"), row.getString("upstream_name"),
                row.getBoolean("strip_prefix"), row.getBoolean("preserve_host"), row.getLong("timeout_ms"),
                row.getLong("updated_revision"));
    }

    Route toRoute(List<HostPattern> hosts) {
        return new Route(name, hosts, pathPrefix, upstreamName, stripPrefix, preserveHost, Duration.ofMillis(timeoutMs));
    }
}
