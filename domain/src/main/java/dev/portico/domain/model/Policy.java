package dev.portico.domain.model;

import java.util.Arrays;
import java.util.Optional;

/** How an upstream spreads requests over its targets; the label is the {@code "policy"} value of its JSON. */
public enum Policy {
    /** Smooth weighted round robin (nginx's): weights 5:1:1 interleave as a,a,b,a,c,a,a. The default. */
    ROUND_ROBIN("round_robin"),
    /** Fewest requests in flight relative to weight; power of two random choices when there are many targets. */
    LEAST_REQUESTS("least_requests"),
    /** Weighted random. */
    RANDOM("random"),
    /** Consistent (rendezvous) hashing on {@link HashOn}: a key keeps its target while that target is available. */
    HASH("hash"),
    /** The first available target in configured order: active/standby failover. */
    FIRST("first");

    private final String label;

    Policy(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    public static Optional<Policy> ofLabel(String label) {
        return Arrays.stream(values()).filter(p -> p.label.equals(label)).findFirst();
    }

    public static String labels() {
        return String.join(", ", Arrays.stream(values()).map(Policy::label).toList());
    }
}
