package dev.portico.persistence;

import java.sql.ResultSet;
import java.sql.SQLException;

/** One row of {@code route_hosts}. */
record HostRow(String routeName, int position, String host) {
    static HostRow map(ResultSet row) throws SQLException {
        return new HostRow(row.getString("route_name"), row.getInt("position"), row.getString("host"));
    }
}
