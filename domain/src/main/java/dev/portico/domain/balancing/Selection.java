package dev.portico.domain.balancing;

import dev.portico.domain.model.Target;

/** The outcome of choosing a target for one request. */
public sealed interface Selection {

    /**
     * Send the request to {@code target}; the caller must release the lease exactly once when the exchange ends,
     * or the target's in-flight count (and its connection limit) stays taken.
     */
    record Chosen(Target target, Lease lease) implements Selection {
    }

    /** Every target that could take the request is at its {@code maxConnections}: answer 503 at once. */
    enum AllFull implements Selection { INSTANCE }

    /** No target takes new requests (all draining or weight 0): answer 503. */
    enum NoneAvailable implements Selection { INSTANCE }
}
