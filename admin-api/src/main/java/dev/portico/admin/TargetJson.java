package dev.portico.admin;

import dev.portico.domain.model.Target;

/** A stored target: its normalised URL ({@code scheme://host:port/basePath}) and weight. */
record TargetJson(String url, int weight) {

    static TargetJson of(Target target) {
        return new TargetJson(target.url(), target.weight());
    }
}
