package dev.portico.domain.model;

import java.time.Duration;
import java.util.Objects;

/**
 * An upstream's active health check: a GET of {@code path} on every target each {@code interval}; a target turns
 * unhealthy after {@code unhealthyAfter} failed probes in a row and healthy again after {@code healthyAfter} good ones.
 *
 * @param expectLow  lowest status that counts as healthy
 * @param expectHigh highest status that counts as healthy
 */
public record HealthCheck(String path, Duration interval, Duration timeout, int healthyAfter, int unhealthyAfter,
                          int expectLow, int expectHigh) {
    public static final String DEFAULT_PATH = "/";
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(1);
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMillis(500);
    public static final int DEFAULT_HEALTHY_AFTER = 2;
    public static final int DEFAULT_UNHEALTHY_AFTER = 2;
    public static final String DEFAULT_EXPECT = "200-399";
    public static final Duration MIN_INTERVAL = Duration.ofMillis(10);
    public static final Duration MAX_INTERVAL = Duration.ofHours(1);
    public static final int MAX_THRESHOLD = 100;

    public HealthCheck {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(interval, "interval");
        Objects.requireNonNull(timeout, "timeout");
        if (!path.startsWith("/") || interval.compareTo(MIN_INTERVAL) < 0 || interval.compareTo(MAX_INTERVAL) > 0
                || timeout.isNegative() || timeout.isZero() || timeout.compareTo(interval) > 0
                || healthyAfter < 1 || healthyAfter > MAX_THRESHOLD || unhealthyAfter < 1 || unhealthyAfter > MAX_THRESHOLD
                || expectLow < 100 || expectHigh > 599 || expectLow > expectHigh) {
            throw new IllegalArgumentException("invalid health check " + this);
        }
    }

    /** Whether a probe's status counts as healthy. */
    public boolean expects(int status) {
        return status >= expectLow && status <= expectHigh;
    }

    /** {@code 200-399}, or {@code 200} for a single status. */
    public String expectStatus() {
        return expectLow == expectHigh ? Integer.toString(expectLow) : expectLow + "-" + expectHigh;
    }
}
