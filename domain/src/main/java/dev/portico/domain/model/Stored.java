package dev.portico.domain.model;

import java.util.Objects;

/**
 * A resource as stored, with the configuration revision at which it was last written: its version, which the admin
 * API shows as the ETag.
 */
public record Stored<T>(T value, long revision) {
    public Stored {
        Objects.requireNonNull(value, "value");
        if (revision < 1) {
            throw new IllegalArgumentException("a stored resource was written at revision 1 or later: " + revision);
        }
    }
}
