package dev.portico.domain.model;

import java.time.Duration;
import java.util.Objects;
import java.util.Set;

/**
 * How a failed forward is tried again: at most {@code attempts} more tries after the first, and none started once
 * {@code totalTimeout} has passed since the first began.
 */
public record RetryPolicy(int attempts, Duration totalTimeout) {
    public static final int MAX_ATTEMPTS = 10;
    public static final Duration MAX_TOTAL_TIMEOUT = Duration.ofHours(24);
    public static final RetryPolicy DEFAULT = new RetryPolicy(2, Duration.ofSeconds(10));
    /** RFC 9110 §9.2.2: repeating these has the effect of doing them once. */
    private static final Set<String> IDEMPOTENT = Set.of("GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE");

    public RetryPolicy {
        Objects.requireNonNull(totalTimeout, "totalTimeout");
        if (attempts < 0 || attempts > MAX_ATTEMPTS || totalTimeout.isNegative() || totalTimeout.isZero()
                || totalTimeout.compareTo(MAX_TOTAL_TIMEOUT) > 0) {
            throw new IllegalArgumentException("invalid retry policy " + this);
        }
    }

    /** How an attempt failed, as far as retrying cares. */
    public enum Failure {
        /** The connection could not be made: nothing reached the target. */
        DIAL,
        /** The connection broke after the request (or part of it) was sent, before a response began. */
        IO,
        /** The target did not answer in time. */
        TIMEOUT
    }

    /**
     * One failed attempt.
     *
     * @param method       the request method, upper case
     * @param bodyStreamed whether request body bytes were read from the client and sent, so cannot be sent again
     * @param attemptsMade tries so far, including this one (1 after the first)
     * @param elapsed      time since the first try began
     */
    public record FailedAttempt(Failure failure, String method, boolean bodyStreamed, int attemptsMade,
                                Duration elapsed) {
    }

    /** What to do after a failed attempt. */
    public sealed interface Decision {
        /** Try again, on another target where there is one. */
        enum Retry implements Decision { INSTANCE }

        /** Give the client the failure; {@code reason} says why no retry, for logs. */
        record GiveUp(String reason) implements Decision {
        }
    }

    /**
     * Caddy's rule: a dial failure is retried whatever the method, since the target never saw the request; other
     * failures only for idempotent methods whose body was not consumed; always within the attempt and time budget.
     */
    public Decision decide(FailedAttempt attempt) {
        if (attempt.attemptsMade() > attempts) {
            return new Decision.GiveUp("no attempts left (" + attempts + " retries)");
        }
        if (attempt.elapsed().compareTo(totalTimeout) >= 0) {
            return new Decision.GiveUp("total retry time of " + totalTimeout.toMillis() + " ms used up");
        }
        if (attempt.failure() == Failure.DIAL) {
            return Decision.Retry.INSTANCE;
        }
        if (!IDEMPOTENT.contains(attempt.method())) {
            return new Decision.GiveUp(attempt.method() + " is not idempotent and may have reached the target");
        }
        if (attempt.bodyStreamed()) {
            return new Decision.GiveUp("the request body was already streamed and cannot be sent again");
        }
        return Decision.Retry.INSTANCE;
    }
}
