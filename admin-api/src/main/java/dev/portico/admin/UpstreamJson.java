package dev.portico.admin;

import dev.portico.domain.model.Upstream;

import java.util.List;

/** A stored upstream as the API shows it. */
record UpstreamJson(String name, List<TargetJson> targets) {

    static UpstreamJson of(Upstream upstream) {
        return new UpstreamJson(upstream.name(), upstream.targets().stream().map(TargetJson::of).toList());
    }
}
