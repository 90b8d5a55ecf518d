package dev.portico.domain.service;

import dev.portico.domain.model.AuditEntry;
import dev.portico.domain.port.AuditLog;
import dev.portico.domain.port.ReadAuditLog;

import java.util.List;
import java.util.Objects;

/** Reads the audit log for operators, within the bounds a single answer may have. */
public final class AuditTrail implements ReadAuditLog {
    private final AuditLog log;

    public AuditTrail(AuditLog log) {
        this.log = Objects.requireNonNull(log);
    }

    @Override
    public List<AuditEntry> latest(int limit) {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be between 1 and " + MAX_LIMIT + ": " + limit);
        }
        return log.latest(limit);
    }
}
