package dev.portico.domain.model;

import java.time.Instant;
import java.util.Objects;

/**
 * One change as the audit log keeps it.
 *
 * @param actor    the name of the admin token that made it
 * @param method   the request method ({@code PUT}, {@code DELETE}, {@code POST})
 * @param resource what changed: {@code upstreams/app}, {@code routes/api}, {@code config}, {@code tokens/ci}
 * @param summary  a short before/after account, such as {@code targets 1 -> 2}
 * @param revision the configuration revision after the change (token changes leave it as it was)
 */
public record AuditEntry(long id, Instant at, String actor, String method, String resource, String summary,
                         long revision) {
    public AuditEntry {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(resource, "resource");
        Objects.requireNonNull(summary, "summary");
    }
}
