package dev.portico.domain.port;

import dev.portico.domain.model.AuditEntry;

import java.util.List;

/**
 * Outbound port: reads the audit log. Entries are written by the stores, each in the transaction of the change it
 * records, so that the log holds every committed change and nothing that was rolled back.
 */
public interface AuditLog {

    /** The {@code limit} most recent entries, newest first. */
    List<AuditEntry> latest(int limit);
}
