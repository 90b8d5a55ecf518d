package dev.portico.domain.port;

import dev.portico.domain.model.ConfigurationDiff;

/** What the store did with a request to replace the whole configuration. */
public sealed interface Replacement {

    /**
     * Committed: the configuration is now the one asked for, at {@code revision}. An empty diff wrote nothing, and
     * {@code revision} is then the unchanged current one.
     */
    record Replaced(long revision, ConfigurationDiff diff) implements Replacement {
    }

    /** Nothing written: the configuration's revision did not meet the {@link Precondition}. */
    record PreconditionFailed(long current) implements Replacement {
    }
}
