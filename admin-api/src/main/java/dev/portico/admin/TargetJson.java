package dev.portico.admin;

import dev.portico.domain.model.Target;

/** A stored target: its normalised URL ({@code scheme://host:port/basePath}), weight, limit (0: none) and drain flag. */
record TargetJson(String url, int weight, int maxConnections, boolean drain) {

    static TargetJson of(Target target) {
        return new TargetJson(target.url(), target.weight(), target.maxConnections(), target.drain());
    }
}
