package dev.portico.persistence;

import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.argument.AbstractArgumentFactory;
import org.jdbi.v3.core.argument.Argument;
import org.jdbi.v3.core.config.ConfigRegistry;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * Binds and reads {@link Instant}s as {@code TIMESTAMP WITH TIME ZONE} values in UTC. Jdbi's default goes through
 * {@link java.sql.Timestamp}, which both drivers interpret in the JVM's time zone: the stored instant would then
 * depend on the zone of the machine that wrote it (and on its daylight-saving gaps). JDBC 4.2's OffsetDateTime is
 * understood the same way by H2 and PostgreSQL.
 */
final class UtcInstants {
    private UtcInstants() {
    }

    static void install(Jdbi jdbi) {
        jdbi.registerArgument(new AbstractArgumentFactory<Instant>(Types.TIMESTAMP_WITH_TIMEZONE) {
            @Override
            protected Argument build(Instant value, ConfigRegistry config) {
                return (position, statement, context) -> statement.setObject(
                        position, value.atOffset(ZoneOffset.UTC), Types.TIMESTAMP_WITH_TIMEZONE);
            }
        });
    }

    static Instant read(ResultSet row, String column) throws SQLException {
        return row.getObject(column, OffsetDateTime.class).toInstant();
    }
}
