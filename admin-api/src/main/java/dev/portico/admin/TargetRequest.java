package dev.portico.admin;

import dev.portico.domain.model.Upstream;

/** A target of a PUT upstream body; the weight defaults to 1 (the domain fills it in). */
record TargetRequest(String url, Integer weight) {

    Upstream.TargetSpec spec() {
        return new Upstream.TargetSpec(url, weight);
    }
}
