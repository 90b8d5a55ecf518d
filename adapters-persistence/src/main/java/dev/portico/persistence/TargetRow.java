package dev.portico.persistence;

import dev.portico.domain.model.Target;
import dev.portico.domain.validation.Validated;

import java.sql.ResultSet;
import java.sql.SQLException;

/** One row of {@code upstream_targets}. */
record TargetRow(String upstreamName, int position, String url, int weight, int maxConnections, boolean drain) {
    static TargetRow map(ResultSet row) throws SQLException {
        return new TargetRow(row.getString("upstream_name"), row.getInt("position"), row.getString("url"),
                row.getInt("weight"), row.getInt("max_connections"), row.getBoolean("drain"));
    }

    /** The stored URL is {@link Target#url()}, which parses back to the same target. */
    Target toTarget() {
        return switch (Target.parse("url", url, weight, maxConnections, drain)) {
            case Validated.Valid<Target> valid -> valid.value();
            case Validated.Invalid<Target> invalid -> throw new IllegalStateException(
                    "upstream " + upstreamName + " has a stored target that is no longer valid (" + url + "): "
                            + invalid.errors());
        };
    }
}
