package dev.portico.domain.model;

import java.util.List;

/** Everything stored, as of one revision: the input from which a routing table is built. */
public record Configuration(long revision, List<Upstream> upstreams, List<Route> routes) {
    public Configuration {
        upstreams = List.copyOf(upstreams);
        routes = List.copyOf(routes);
    }

    public static Configuration empty() {
        return new Configuration(0, List.of(), List.of());
    }
}
