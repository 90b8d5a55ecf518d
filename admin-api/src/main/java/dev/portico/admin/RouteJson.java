package dev.portico.admin;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.portico.domain.model.HostPattern;
import dev.portico.domain.model.Route;

import java.util.List;

/**
 * A stored route as the API shows it: every field, defaults filled in, so that a GET can be PUT back as is.
 * {@code hsts} appears only when the route sends the header.
 */
record RouteJson(String name, List<String> hosts, String pathPrefix, String upstream,
                 boolean stripPrefix, boolean preserveHost, long timeoutMs, boolean redirectToHttps,
                 @JsonInclude(JsonInclude.Include.NON_NULL) HstsRequest hsts, long webSocketIdleTimeoutMs) {

    static RouteJson of(Route route) {
        return new RouteJson(route.name(), route.hosts().stream().map(HostPattern::value).toList(),
                route.pathPrefix(), route.upstream(), route.stripPrefix(), route.preserveHost(),
                route.timeout().toMillis(), route.redirectToHttps(), route.hsts().map(HstsRequest::of).orElse(null),
                route.webSocketIdleTimeout().toMillis());
    }
}
