package dev.portico.domain.model;

import dev.portico.domain.validation.Errors;

import java.util.Locale;

/** What an admin API token may do. Each scope includes the ones before it. */
public enum TokenScope {
    /** GET requests only. */
    READ,
    /** Also change routes, upstreams and the configuration. */
    WRITE,
    /** Also manage tokens. */
    ADMIN;

    public boolean allows(TokenScope needed) {
        return compareTo(needed) >= 0;
    }

    /** The scope as operators write it: {@code read}, {@code write}, {@code admin}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Reads a scope as operators write it (lower case); adds an error for {@code field} otherwise. */
    public static TokenScope parse(String field, String raw, Errors errors) {
        if (raw == null || raw.isEmpty()) {
            errors.add(field, "is required: read, write or admin");
            return null;
        }
        for (TokenScope scope : values()) {
            if (scope.label().equals(raw)) {
                return scope;
            }
        }
        errors.add(field, "must be read, write or admin, not '" + raw + "'");
        return null;
    }
}
