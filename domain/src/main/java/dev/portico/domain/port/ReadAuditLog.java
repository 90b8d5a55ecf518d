package dev.portico.domain.port;

import dev.portico.domain.model.AuditEntry;

import java.util.List;

/** Inbound port of the admin API: the most recent changes, newest first. */
public interface ReadAuditLog {
    int DEFAULT_LIMIT = 100;
    int MAX_LIMIT = 1000;

    /** @param limit how many entries, 1 to {@link #MAX_LIMIT} */
    List<AuditEntry> latest(int limit);
}
