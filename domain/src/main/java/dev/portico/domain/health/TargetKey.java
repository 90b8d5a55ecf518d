package dev.portico.domain.health;

import dev.portico.domain.model.Target;

import java.util.Objects;

/** A target as health and balancing state knows it: by upstream name and URL, so state outlives table rebuilds. */
public record TargetKey(String upstream, String url) {
    public TargetKey {
        Objects.requireNonNull(upstream, "upstream");
        Objects.requireNonNull(url, "url");
    }

    public static TargetKey of(String upstream, Target target) {
        return new TargetKey(upstream, target.url());
    }
}
