package dev.portico.persistence;

import dev.portico.domain.model.AuditEntry;
import dev.portico.domain.port.AuditLog;
import org.jdbi.v3.core.Jdbi;

import java.util.List;

/**
 * The AuditLog on H2 or PostgreSQL. Entries are ordered by id: the stores write them under the revision row lock,
 * so ids follow the order in which the changes committed.
 */
final class JdbiAuditLog implements AuditLog {
    private final Jdbi jdbi;

    JdbiAuditLog(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    @Override
    public List<AuditEntry> latest(int limit) {
        return jdbi.withHandle(handle -> handle
                .createQuery(Sql.SELECT_LATEST_AUDIT_ENTRIES)
                .bind("limit", limit)
                .map((row, context) -> AuditRows.map(row))
                .list());
    }
}
