package dev.portico.admin;

import dev.portico.domain.model.Route;

import java.util.List;

/** The body of {@code PUT /v1/routes/{name}}; everything but {@code upstream} may be left out. */
record RouteRequest(String name, List<String> hosts, String pathPrefix, String upstream,
                    Boolean stripPrefix, Boolean preserveHost, Long timeoutMs, Boolean redirectToHttps,
                    HstsRequest hsts, Long webSocketIdleTimeoutMs) implements NamedRequest {

    Route.RouteSpec spec() {
        return new Route.RouteSpec(hosts, pathPrefix, upstream, stripPrefix, preserveHost, timeoutMs, redirectToHttps,
                hsts == null ? null : hsts.spec(), webSocketIdleTimeoutMs);
    }
}
