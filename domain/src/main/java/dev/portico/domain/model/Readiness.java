package dev.portico.domain.model;

import java.util.List;
import java.util.Objects;

/**
 * Whether this node should be sent traffic, and what an operator needs to know either way.
 *
 * @param ready    whether it serves: its configuration is loaded, its listeners are bound, and it is not stopping
 * @param revision the configuration revision it serves
 * @param database how its database is: {@code reachable}, or since when and why not (it then serves the configuration
 *                 in force and refuses changes)
 * @param reasons  why it is not ready; empty when it is
 */
public record Readiness(boolean ready, long revision, String database, List<String> reasons) {
    public Readiness {
        Objects.requireNonNull(database, "database");
        reasons = List.copyOf(reasons);
        if (ready != reasons.isEmpty()) {
            throw new IllegalArgumentException("a node is ready exactly when nothing says otherwise: " + reasons);
        }
    }
}
