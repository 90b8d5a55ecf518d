package dev.portico.admin;

import dev.portico.domain.model.Upstream;

import java.util.List;

/** The body of {@code PUT /v1/upstreams/{name}}. */
record UpstreamRequest(String name, List<TargetRequest> targets) implements NamedRequest {

    /** The targets as the domain takes them; a JSON null stays null, so that the domain can name it. */
    List<Upstream.TargetSpec> targetSpecs() {
        if (targets == null) {
            return null;
        }
        return targets.stream().map(t -> t == null ? null : t.spec()).toList();
    }
}
