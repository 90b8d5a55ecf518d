package dev.portico.domain.model;

import java.time.Instant;
import java.util.Objects;

/**
 * Where the stored configuration stands: its revision, when that revision was committed, and how much it holds.
 *
 * @param appliedAt when the change that made {@code revision} was committed (for revision 0: when the store was made)
 */
public record ConfigurationStatus(long revision, Instant appliedAt, int routes, int upstreams) {
    public ConfigurationStatus {
        Objects.requireNonNull(appliedAt, "appliedAt");
    }
}
