package dev.portico.admin;

import dev.portico.domain.model.AuditEntry;

/** One entry of {@code GET /v1/audit}; {@code token} is the name of the token that made the change. */
record AuditEntryJson(long id, String at, String token, String method, String resource, String summary,
                      long revision) {

    static AuditEntryJson of(AuditEntry entry) {
        return new AuditEntryJson(entry.id(), entry.at().toString(), entry.actor(), entry.method(), entry.resource(),
                entry.summary(), entry.revision());
    }
}
