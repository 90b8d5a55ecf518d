package dev.portico.domain.health;

import dev.portico.domain.model.Configuration;
import dev.portico.domain.model.Target;
import dev.portico.domain.model.Upstream;

import java.time.InstantSource;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Every target's live state (in flight, health) and every upstream's round-robin position, keyed by upstream name
 * and target URL. It outlives routing tables: a table rebuilt after an admin change finds the same state for the
 * targets that did not change, so counters, in-flight counts and ejections carry over.
 */
public final class TargetStates implements HealthStatusSetter {
    private final InstantSource clock;
    private final int defaultMaxInFlight;
    private final ConcurrentHashMap<TargetKey, TargetState> states = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, AtomicLong> sequences = new ConcurrentHashMap<>();
    private volatile HealthListener listener = HealthListener.NONE;

    public TargetStates(InstantSource clock) {
        this(clock, 0);
    }

    /**
     * @param defaultMaxInFlight requests a target that sets no {@code maxConnections} may serve at once (0: no limit),
     *                           so that no target is sent more than the proxy can hold for it
     */
    public TargetStates(InstantSource clock, int defaultMaxInFlight) {
        if (defaultMaxInFlight < 0) {
            throw new IllegalArgumentException("defaultMaxInFlight must not be negative: " + defaultMaxInFlight);
        }
        this.clock = clock;
        this.defaultMaxInFlight = defaultMaxInFlight;
    }

    public static TargetStates systemClock() {
        return new TargetStates(InstantSource.system());
    }

    /** On the system clock, with a limit for targets that set none. */
    public static TargetStates systemClock(int defaultMaxInFlight) {
        return new TargetStates(InstantSource.system(), defaultMaxInFlight);
    }

    /** Who hears of targets leaving and rejoining the rotation (one listener; the last one set). */
    public void onChange(HealthListener listener) {
        this.listener = Objects.requireNonNull(listener, "listener");
    }

    public long nowMillis() {
        return clock.millis();
    }

    /** The state of a target, created healthy on first use. */
    public TargetState state(String upstream, Target target) {
        TargetState state = states.computeIfAbsent(TargetKey.of(upstream, target), key -> new TargetState(key, clock, defaultMaxInFlight,
                (changed, health, reason) -> listener.changed(changed, health, reason)));
        state.observeDrain(!target.acceptsNew());
        return state;
    }

    public Optional<TargetState> find(TargetKey key) {
        return Optional.ofNullable(states.get(key));
    }

    /** The round-robin position of an upstream, shared by every table built for it. */
    public AtomicLong sequence(String upstream) {
        return sequences.computeIfAbsent(upstream, name -> new AtomicLong());
    }

    /** Forgets targets and upstreams the configuration no longer has (a request still holding one finishes normally). */
    public void retainOnly(Configuration configuration) {
        Set<TargetKey> keep = new HashSet<>();
        Set<String> upstreams = new HashSet<>();
        for (Upstream upstream : configuration.upstreams()) {
            upstreams.add(upstream.name());
            for (Target target : upstream.targets()) {
                keep.add(TargetKey.of(upstream.name(), target));
            }
        }
        states.keySet().retainAll(keep);
        sequences.keySet().retainAll(upstreams);
    }

    @Override
    public void setStatus(TargetKey target, boolean healthy, String reason) {
        TargetState state = states.get(target);
        if (state != null) {
            state.setActive(healthy, reason);
        }
    }

    /** Each target of the upstream in configured order, as operators see it now. */
    public List<TargetHealth> report(Upstream upstream) {
        return upstream.targets().stream()
                .map(target -> state(upstream.name(), target).view(target.acceptsNew()))
                .toList();
    }
}
