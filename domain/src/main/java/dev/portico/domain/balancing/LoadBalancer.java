package dev.portico.domain.balancing;

import dev.portico.domain.model.Target;

import java.util.List;

/** Chooses the target for the next request of one upstream. Implementations are thread-safe and lock-free. */
public sealed interface LoadBalancer permits SmoothWeightedRoundRobin {

    /** The target for the next request; only targets with a positive weight are ever chosen. */
    Target next();

    /** Every target of the upstream, in the order configured. */
    List<Target> targets();

    static LoadBalancer roundRobin(List<Target> targets) {
        return SmoothWeightedRoundRobin.of(targets);
    }
}
