package dev.portico.domain.balancing;

import dev.portico.domain.health.TargetState;
import dev.portico.domain.health.TargetStates;
import dev.portico.domain.model.RequestKey;
import dev.portico.domain.model.Target;
import dev.portico.domain.model.Upstream;

import java.util.Collection;
import java.util.List;
import java.util.function.IntPredicate;

/**
 * Chooses the target for each request of one upstream; one subtype per policy, which only orders the candidates.
 * This class decides which targets are candidates at all:
 * <ol>
 * <li>targets that take new requests (weight above 0, not draining); none: {@link Selection.NoneAvailable};</li>
 * <li>of those the healthy ones (active check passing, not passively ejected) not yet tried for this request;</li>
 * <li>when none is healthy, all of them anyway (Envoy's panic mode without its threshold): a target marked down may
 *     have recovered, and trying it beats failing every request; a 503 comes only when none can be reached;</li>
 * <li>when every one was already tried, the tried ones again;</li>
 * <li>a target at its {@code maxConnections} is skipped; all full: {@link Selection.AllFull}.</li>
 * </ol>
 * Thread-safe and lock-free; state lives in {@link TargetStates} so that it survives table rebuilds.
 */
public abstract sealed class LoadBalancer
        permits SmoothWeightedRoundRobin, LeastRequests, RandomChoice, ConsistentHash, FirstAvailable {
    private static final int ACQUIRE_ROUNDS = 4;

    final Upstream upstream;
    final Target[] targets;
    final TargetState[] states;
    // Built once, so that the hot path evaluates no capturing lambda (each evaluation would allocate).
    private final IntPredicate acceptingWithRoom;
    private final IntPredicate acceptingHealthyWithRoom;

    LoadBalancer(Upstream upstream, TargetStates registry) {
        this.upstream = upstream;
        this.targets = upstream.targets().toArray(new Target[0]);
        this.states = new TargetState[targets.length];
        for (int i = 0; i < targets.length; i++) {
            states[i] = registry.state(upstream.name(), targets[i]);
        }
        this.acceptingWithRoom = i -> targets[i].acceptsNew() && states[i].hasRoom(targets[i].maxConnections());
        this.acceptingHealthyWithRoom = i -> targets[i].acceptsNew() && states[i].isHealthy()
                && states[i].hasRoom(targets[i].maxConnections());
    }

    /** The balancer of the upstream's policy, on state shared with every other balancer built on {@code registry}. */
    public static LoadBalancer of(Upstream upstream, TargetStates registry) {
        return switch (upstream.policy()) {
            case ROUND_ROBIN -> new SmoothWeightedRoundRobin(upstream, registry);
            case LEAST_REQUESTS -> new LeastRequests(upstream, registry);
            case RANDOM -> new RandomChoice(upstream, registry);
            case HASH -> new ConsistentHash(upstream, registry);
            case FIRST -> new FirstAvailable(upstream, registry);
        };
    }

    /** Picks among the targets passing {@code eligible} in the policy's order; -1 when none does. */
    abstract int pick(RequestKey key, IntPredicate eligible);

    /** Chooses and holds a target for a request; see the class comment for which targets are candidates. */
    public Selection select(RequestKey key) {
        return select(key, List.of());
    }

    /**
     * Chooses and holds a target for a retry: targets in {@code tried} are chosen only when no other one can be.
     */
    public Selection select(RequestKey key, Collection<Target> tried) {
        boolean anyCandidate = false;
        boolean anyUntried = false;
        boolean anyHealthy = false;
        for (int i = 0; i < targets.length; i++) {
            if (targets[i].acceptsNew()) {
                anyCandidate = true;
                if (tried.isEmpty() || !tried.contains(targets[i])) {
                    anyUntried = true;
                    anyHealthy |= states[i].isHealthy();
                }
            }
        }
        if (!anyCandidate) {
            return Selection.NoneAvailable.INSTANCE;
        }
        IntPredicate eligible;
        if (tried.isEmpty()) {
            eligible = anyHealthy ? acceptingHealthyWithRoom : acceptingWithRoom;
        } else if (anyHealthy) {
            eligible = i -> acceptingHealthyWithRoom.test(i) && !tried.contains(targets[i]);
        } else if (anyUntried) {
            eligible = i -> acceptingWithRoom.test(i) && !tried.contains(targets[i]);
        } else {
            eligible = acceptingWithRoom;
        }
        // A target may fill up between the pick and the acquire; try a few times before calling them all full.
        for (int round = 0; round < ACQUIRE_ROUNDS; round++) {
            int i = pick(key, eligible);
            if (i < 0) {
                return Selection.AllFull.INSTANCE;
            }
            if (states[i].tryAcquire(targets[i].maxConnections())) {
                return new Selection.Chosen(targets[i], new Lease(targets[i], states[i], upstream.passive()));
            }
        }
        return Selection.AllFull.INSTANCE;
    }

    /** Every target of the upstream, in the order configured. */
    public List<Target> targets() {
        return upstream.targets();
    }

    public Upstream upstream() {
        return upstream;
    }

    /** Requests in flight to the target at {@code index} of {@link #targets()}. */
    public int inFlight(int index) {
        return states[index].inFlight();
    }
}
