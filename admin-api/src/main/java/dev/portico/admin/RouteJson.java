package dev.portico.admin;

import dev.portico.domain.model.HostPattern;
import dev.portico.domain.model.Route;

import java.util.List;

/** A stored route as the API shows it: every field, defaults filled in, so that a GET can be PUT back as is. */
record RouteJson(String name, List<String> hosts, String pathPrefix, String upstream,
                 boolean stripPrefix, boolean preserveHost, long timeoutMs) {

    static RouteJson of(Route route) {
        return new RouteJson(route.name(), route.hosts().stream().map(HostPattern::value).toList(),
                route.pathPrefix(), route.upstream(), route.stripPrefix(), route.preserveHost(),
                route.timeout().toMillis());
    }
}
