package dev.portico.persistence;

import dev.portico.domain.model.AuditEntry;
import dev.portico.domain.port.Change;
import org.jdbi.v3.core.Handle;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** Rows of {@code audit_log}: written by the stores inside the transaction of the change they record. */
final class AuditRows {
    private AuditRows() {
    }

    static void insert(Handle handle, Instant at, Change change, String resource, String summary, long revision) {
        handle.createUpdate(Sql.INSERT_AUDIT_ENTRY)
                // Both databases keep microseconds; truncating makes what is read back the same on both.
                .bind("at", at.truncatedTo(ChronoUnit.MICROS))
                .bind("actor", change.actor())
                .bind("method", change.method())
                .bind("resource", resource)
                .bind("summary", summary)
                .bind("revision", revision)
                .execute();
    }

    static AuditEntry map(ResultSet row) throws SQLException {
        return new AuditEntry(row.getLong("id"), UtcInstants.read(row, "at"), row.getString("token_name"),
                row.getString("method"), row.getString("resource"), row.getString("summary"), row.getLong("revision"));
    }
}
