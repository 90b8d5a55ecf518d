package dev.portico.admin;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.portico.domain.model.Policy;
import dev.portico.domain.model.Upstream;

import java.util.List;

/**
 * A stored upstream as the API shows it. {@code hashOn} appears only for the hash policy and {@code healthCheck}
 * only when there is one, and {@code tls} only with a CA bundle, so that an export PUT back as it is means the same
 * upstream.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record UpstreamJson(String name, List<TargetJson> targets, String policy, String hashOn,
                    HealthCheckRequest healthCheck, PassiveRequest passive, RetriesRequest retries, TlsRequest tls) {

    static UpstreamJson of(Upstream upstream) {
        return new UpstreamJson(upstream.name(), upstream.targets().stream().map(TargetJson::of).toList(),
                upstream.policy().label(),
                upstream.policy() == Policy.HASH ? upstream.hashOn().label() : null,
                upstream.healthCheck().map(HealthCheckRequest::of).orElse(null),
                PassiveRequest.of(upstream.passive()),
                RetriesRequest.of(upstream.retries()),
                TlsRequest.of(upstream.tls()));
    }
}
