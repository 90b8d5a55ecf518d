package dev.portico.admin;

import dev.portico.domain.model.Upstream;

import java.util.List;

/** The body of {@code PUT /v1/upstreams/{name}}: the targets, and optionally how load, health and retries work. */
record UpstreamRequest(String name, List<TargetRequest> targets, String policy, String hashOn,
                       HealthCheckRequest healthCheck, PassiveRequest passive, RetriesRequest retries,
                       TlsRequest tls)
        implements NamedRequest {

    /** The upstream as the domain takes it; a JSON null stays null, so that the domain can name it. */
    Upstream.UpstreamSpec spec() {
        return new Upstream.UpstreamSpec(targetSpecs(), policy, hashOn,
                healthCheck == null ? null : healthCheck.spec(),
                passive == null ? null : passive.spec(),
                retries == null ? null : retries.spec(),
                tls == null ? null : tls.spec());
    }

    private List<Upstream.TargetSpec> targetSpecs() {
        if (targets == null) {
            return null;
        }
        return targets.stream().map(t -> t == null ? null : t.spec()).toList();
    }
}
