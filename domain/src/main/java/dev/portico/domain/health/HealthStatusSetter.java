package dev.portico.domain.health;

/**
 * Where health checkers report (Traefik's status setter): balancers read the result without knowing who checks.
 * Reports for targets that are no longer configured are ignored.
 */
public interface HealthStatusSetter {

    /**
     * @param healthy whether the target passed its check; a healthy report also ends a passive ejection at once
     * @param reason  a short account for operators, e.g. {@code GET /healthz answered 503}
     */
    void setStatus(TargetKey target, boolean healthy, String reason);
}
