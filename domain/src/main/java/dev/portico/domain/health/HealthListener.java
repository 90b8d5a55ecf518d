package dev.portico.domain.health;

/** Told when a target leaves or rejoins the rotation, so that operators can read it in the log. */
@FunctionalInterface
public interface HealthListener {
    HealthListener NONE = (target, state, reason) -> {
    };

    /**
     * @param state  {@link TargetHealth.State#EJECTED} (passive), {@link TargetHealth.State#UNHEALTHY} (its active
     *               check failed) or {@link TargetHealth.State#HEALTHY} (its active check passed again)
     * @param reason what was seen, as {@code GET /healthz answered 503}
     */
    void changed(TargetKey target, TargetHealth.State state, String reason);
}
