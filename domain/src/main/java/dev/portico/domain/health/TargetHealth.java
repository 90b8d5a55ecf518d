package dev.portico.domain.health;

import java.time.Instant;
import java.util.Objects;

/**
 * One target's health as reported to operators.
 *
 * @param state    healthy, unhealthy (failed its active check), ejected (passive health) or draining
 * @param since    when the target entered this state
 * @param reason   why, in a few words
 * @param inFlight requests to it in progress now
 * @param until    when a passive ejection ends by itself; null for other states
 */
public record TargetHealth(String url, State state, Instant since, String reason, int inFlight, Instant until) {

    public enum State {
        HEALTHY, UNHEALTHY, EJECTED, DRAINING;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public TargetHealth {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(since, "since");
        Objects.requireNonNull(reason, "reason");
    }
}
