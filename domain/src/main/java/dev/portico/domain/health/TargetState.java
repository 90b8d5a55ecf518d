package dev.portico.domain.health;

import dev.portico.domain.model.PassiveHealth;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The live state of one target: requests in flight and health. The health itself is one immutable value swapped
 * on change, so the hot path reads it with a single volatile load; a passive ejection ends by itself because
 * readers compare its end with the clock rather than waiting for anyone to clear it.
 */
public final class TargetState {
    private final TargetKey key;
    private final InstantSource clock;
    /** The in-flight limit of a target that sets none; 0: none either. */
    private final int defaultLimit;
    private final HealthListener listener;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final ReentrantLock lock = new ReentrantLock();
    private volatile Condition condition;
    private volatile Instant drainingSince;
    // Guarded by lock: recent failure times (a ring) and the current run of ejections.
    private long[] failures = new long[0];
    private int nextFailure;
    private int ejectionsInARow;
    private long lastEjectionEnd = Long.MIN_VALUE;

    /** Health as last changed: {@code ejectedUntil} matters only for EJECTED. */
    private record Condition(TargetHealth.State state, Instant since, String reason, long ejectedUntil) {
    }

    private static final String NOT_CHECKED = "not checked yet";

    TargetState(TargetKey key, InstantSource clock, int defaultLimit, HealthListener listener) {
        this.key = key;
        this.clock = clock;
        this.defaultLimit = defaultLimit;
        this.listener = listener;
        this.condition = new Condition(TargetHealth.State.HEALTHY, clock.instant(), NOT_CHECKED, 0);
    }

    public TargetKey key() {
        return key;
    }

    public int inFlight() {
        return inFlight.get();
    }

    /** Whether new requests should come here now; reads the clock only while an ejection is on. */
    public boolean isHealthy() {
        Condition c = condition;
        return c.state == TargetHealth.State.HEALTHY
                || (c.state == TargetHealth.State.EJECTED && clock.millis() >= c.ejectedUntil);
    }

    /** Whether new requests should come here: not failing its active check and not passively ejected now. */
    public boolean isHealthy(long nowMillis) {
        Condition c = condition;
        return c.state == TargetHealth.State.HEALTHY
                || (c.state == TargetHealth.State.EJECTED && nowMillis >= c.ejectedUntil);
    }

    /**
     * Counts one more request in flight unless that would pass {@code maxConnections} (0: the registry's default
     * limit, if it has one).
     */
    public boolean tryAcquire(int maxConnections) {
        int limit = maxConnections > 0 ? maxConnections : defaultLimit;
        if (limit <= 0) {
            inFlight.incrementAndGet();
            return true;
        }
        while (true) {
            int now = inFlight.get();
            if (now >= limit) {
                return false;
            }
            if (inFlight.compareAndSet(now, now + 1)) {
                return true;
            }
        }
    }

    public boolean hasRoom(int maxConnections) {
        int limit = maxConnections > 0 ? maxConnections : defaultLimit;
        return limit <= 0 || inFlight.get() < limit;
    }

    public void release() {
        inFlight.decrementAndGet();
    }

    /** Passive health: counts a failure and ejects when {@code maxFailures} fall within the window. */
    public void record(RequestOutcome outcome, PassiveHealth passive) {
        if (!passive.enabled() || !outcome.isFailure(passive.count5xx())) {
            return;
        }
        Condition ejected;
        lock.lock();
        try {
            long now = clock.millis();
            if (!isHealthy(now)) {
                return; // Already out of rotation: failures of requests sent before that say nothing new.
            }
            if (failures.length != passive.maxFailures()) {
                failures = new long[passive.maxFailures()];
                java.util.Arrays.fill(failures, Long.MIN_VALUE);
                nextFailure = 0;
            }
            failures[nextFailure] = now;
            nextFailure = (nextFailure + 1) % failures.length;
            // The oldest of the last maxFailures failures: all of them within the window means eject.
            long oldest = failures[nextFailure];
            if (oldest == Long.MIN_VALUE || now - oldest >= passive.window().toMillis()) {
                return;
            }
            java.util.Arrays.fill(failures, Long.MIN_VALUE);
            // An ejection soon after the last one ended means the target is still broken: eject for longer.
            boolean soonAfter = lastEjectionEnd != Long.MIN_VALUE
                    && now - lastEjectionEnd < passive.maxEjectFor().toMillis();
            ejectionsInARow = soonAfter ? ejectionsInARow + 1 : 1;
            Duration ejection = passive.ejection(ejectionsInARow);
            long until = now + ejection.toMillis();
            lastEjectionEnd = until;
            ejected = new Condition(TargetHealth.State.EJECTED, Instant.ofEpochMilli(now),
                    passive.maxFailures() + " failed requests within " + passive.window().toMillis() + " ms (last: "
                            + outcome.name().toLowerCase(java.util.Locale.ROOT) + "), ejected for "
                            + ejection.toMillis() + " ms", until);
            condition = ejected;
        } finally {
            lock.unlock();
        }
        listener.changed(key, ejected.state, ejected.reason);
    }

    /** An active check's verdict; healthy also ends a passive ejection. */
    void setActive(boolean healthy, String reason) {
        TargetHealth.State changedTo = null;
        lock.lock();
        try {
            Condition c = condition;
            if (healthy && c.state != TargetHealth.State.HEALTHY) {
                condition = new Condition(TargetHealth.State.HEALTHY, clock.instant(), reason, 0);
                changedTo = TargetHealth.State.HEALTHY;
            } else if (healthy && c.reason == NOT_CHECKED) {
                // healthy from the start: the first verdict of the active check replaces the placeholder
                condition = new Condition(TargetHealth.State.HEALTHY, c.since, reason, 0);
            } else if (!healthy && c.state != TargetHealth.State.UNHEALTHY) {
                condition = new Condition(TargetHealth.State.UNHEALTHY, clock.instant(), reason, 0);
                changedTo = TargetHealth.State.UNHEALTHY;
            }
        } finally {
            lock.unlock();
        }
        if (changedTo != null) {
            listener.changed(key, changedTo, reason);
        }
    }

    void observeDrain(boolean draining) {
        if (draining && drainingSince == null) {
            drainingSince = clock.instant();
        } else if (!draining) {
            drainingSince = null;
        }
    }

    /** The state as operators see it now; a target that takes no new requests shows as draining. */
    public TargetHealth view(boolean acceptsNew) {
        Condition c = condition;
        int active = inFlight.get();
        Instant draining = drainingSince;
        if (!acceptsNew) {
            return new TargetHealth(key.url(), TargetHealth.State.DRAINING, draining == null ? c.since : draining,
                    "drain is set or weight is 0: no new requests", active, null);
        }
        if (c.state == TargetHealth.State.EJECTED) {
            Instant until = Instant.ofEpochMilli(c.ejectedUntil);
            if (clock.millis() >= c.ejectedUntil) {
                return new TargetHealth(key.url(), TargetHealth.State.HEALTHY, until, "passive ejection ended", active,
                        null);
            }
            return new TargetHealth(key.url(), c.state, c.since, c.reason, active, until);
        }
        return new TargetHealth(key.url(), c.state, c.since, c.reason, active, null);
    }
}
