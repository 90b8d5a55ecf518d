package dev.portico.domain.model;

import java.time.Duration;
import java.util.Objects;

/**
 * Passive health: {@code maxFailures} failed requests to a target within {@code window} eject it for
 * {@code ejectFor}, doubled on each ejection that follows soon after the last (up to {@code maxEjectFor}).
 * It returns by itself when the time is up, and at once when an active check sees it healthy.
 *
 * @param maxFailures  failures within the window that eject; 0 turns passive health off
 * @param count5xx     whether a 5xx answer counts as a failure (connection failures and timeouts always do)
 */
public record PassiveHealth(int maxFailures, Duration window, Duration ejectFor, Duration maxEjectFor,
                            boolean count5xx) {
    public static final int MAX_FAILURES = 1000;
    public static final Duration MAX_DURATION = Duration.ofHours(1);
    public static final PassiveHealth DEFAULT = new PassiveHealth(
            3, Duration.ofSeconds(10), Duration.ofSeconds(1), Duration.ofSeconds(10), false);

    public PassiveHealth {
        Objects.requireNonNull(window, "window");
        Objects.requireNonNull(ejectFor, "ejectFor");
        Objects.requireNonNull(maxEjectFor, "maxEjectFor");
        if (maxFailures < 0 || maxFailures > MAX_FAILURES || !positive(window) || !positive(ejectFor)
                || maxEjectFor.compareTo(ejectFor) < 0 || maxEjectFor.compareTo(MAX_DURATION) > 0) {
            throw new IllegalArgumentException("invalid passive health " + this);
        }
    }

    public boolean enabled() {
        return maxFailures > 0;
    }

    /** How long the {@code n}th ejection in a row lasts (n from 1): doubling, capped. */
    public Duration ejection(int n) {
        long millis = ejectFor.toMillis();
        for (int i = 1; i < n && millis < maxEjectFor.toMillis(); i++) {
            millis *= 2;
        }
        return Duration.ofMillis(Math.min(millis, maxEjectFor.toMillis()));
    }

    private static boolean positive(Duration d) {
        return !d.isNegative() && !d.isZero() && d.compareTo(MAX_DURATION) <= 0;
    }
}
