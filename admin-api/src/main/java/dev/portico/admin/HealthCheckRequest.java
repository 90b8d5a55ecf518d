package dev.portico.admin;

import dev.portico.domain.model.HealthCheck;
import dev.portico.domain.model.Upstream;

/** An upstream's active health check, as written and as shown; absent fields take the domain's defaults. */
record HealthCheckRequest(String path, Long intervalMs, Long timeoutMs, Integer healthyAfter, Integer unhealthyAfter,
                          String expectStatus) {

    Upstream.HealthCheckSpec spec() {
        return new Upstream.HealthCheckSpec(path, intervalMs, timeoutMs, healthyAfter, unhealthyAfter, expectStatus);
    }

    static HealthCheckRequest of(HealthCheck check) {
        return new HealthCheckRequest(check.path(), check.interval().toMillis(), check.timeout().toMillis(),
                check.healthyAfter(), check.unhealthyAfter(), check.expectStatus());
    }
}
