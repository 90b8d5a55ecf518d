package dev.portico.domain.model;

import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Upstreams and routes without a revision: what an operator wants stored as the whole configuration. Names are
 * unique and every route's upstream is among the upstreams, so that storing it can never leave a dangling route.
 */
public record ConfigurationContent(List<Upstream> upstreams, List<Route> routes) {
    public ConfigurationContent {
        upstreams = upstreams.stream().sorted(Comparator.comparing(Upstream::name)).toList();
        routes = routes.stream().sorted(Comparator.comparing(Route::name)).toList();
        Set<String> upstreamNames = new HashSet<>();
        for (Upstream upstream : upstreams) {
            if (!upstreamNames.add(upstream.name())) {
                throw new IllegalArgumentException("two upstreams named " + upstream.name());
            }
        }
        Set<String> routeNames = new HashSet<>();
        for (Route route : routes) {
            if (!routeNames.add(route.name())) {
                throw new IllegalArgumentException("two routes named " + route.name());
            }
            if (!upstreamNames.contains(route.upstream())) {
                throw new IllegalArgumentException("route " + route.name() + " uses the missing upstream "
                        + route.upstream());
            }
        }
    }

    /** The upstreams and routes of a stored configuration. */
    public static ConfigurationContent of(Configuration configuration) {
        return new ConfigurationContent(configuration.upstreams(), configuration.routes());
    }
}
