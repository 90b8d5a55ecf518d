package dev.portico.admin;

import dev.portico.domain.model.Upstream;

/** A target of a PUT upstream body; weight defaults to 1, maxConnections to 0 (no limit), drain to false. */
record TargetRequest(String url, Integer weight, Integer maxConnections, Boolean drain) {

    Upstream.TargetSpec spec() {
        return new Upstream.TargetSpec(url, weight, maxConnections, drain);
    }
}
