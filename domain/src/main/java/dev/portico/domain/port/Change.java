package dev.portico.domain.port;

import java.util.Objects;

/**
 * Who asks for a change and by which method: recorded with the change, in the same transaction, in the audit log.
 *
 * @param actor  the name of the admin token that asked
 * @param method the request method that asked ({@code PUT}, {@code DELETE}, {@code POST})
 */
public record Change(String actor, String method) {
    public static final int MAX_ACTOR_LENGTH = 100;
    public static final int MAX_METHOD_LENGTH = 16;
    /** A change Portico makes by itself, not on an operator's request; no token can have this name. */
    public static final Change SYSTEM = new Change("(portico)", "INTERNAL");

    public Change {
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(method, "method");
        if (actor.isEmpty() || actor.length() > MAX_ACTOR_LENGTH) {
            throw new IllegalArgumentException("actor must be 1 to " + MAX_ACTOR_LENGTH + " characters");
        }
        if (method.isEmpty() || method.length() > MAX_METHOD_LENGTH) {
            throw new IllegalArgumentException("method must be 1 to " + MAX_METHOD_LENGTH + " characters");
        }
    }
}
