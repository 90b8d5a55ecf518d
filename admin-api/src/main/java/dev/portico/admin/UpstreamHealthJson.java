package dev.portico.admin;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.portico.domain.health.TargetHealth;

import java.util.List;

/** {@code GET /v1/upstreams/{name}/health}: each target's state, since when, why, and requests in flight. */
record UpstreamHealthJson(String upstream, List<TargetHealthJson> targets) {

    /** {@code until} appears only for a passive ejection: when it ends by itself. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record TargetHealthJson(String url, String state, String since, String reason, int inFlight, String until) {

        static TargetHealthJson of(TargetHealth health) {
            return new TargetHealthJson(health.url(), health.state().label(), health.since().toString(),
                    health.reason(), health.inFlight(), health.until() == null ? null : health.until().toString());
        }
    }

    static UpstreamHealthJson of(String upstream, List<TargetHealth> targets) {
        return new UpstreamHealthJson(upstream, targets.stream().map(TargetHealthJson::of).toList());
    }
}
