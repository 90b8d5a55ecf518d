package dev.portico.admin;

import dev.portico.domain.model.Configuration;
import dev.portico.domain.model.Route;
import dev.portico.domain.model.Upstream;

import java.util.Map;
import java.util.TreeMap;

/**
 * The whole configuration as {@code GET /v1/config} exports it: upstreams and routes keyed by name, each as its own
 * endpoint shows it, keys sorted, so that two exports diff line by line and one can be PUT back as it is.
 */
record ConfigJson(long revision, Map<String, UpstreamJson> upstreams, Map<String, RouteJson> routes) {

    static ConfigJson of(Configuration configuration) {
        Map<String, UpstreamJson> upstreams = new TreeMap<>();
        for (Upstream upstream : configuration.upstreams()) {
            upstreams.put(upstream.name(), UpstreamJson.of(upstream));
        }
        Map<String, RouteJson> routes = new TreeMap<>();
        for (Route route : configuration.routes()) {
            routes.put(route.name(), RouteJson.of(route));
        }
        return new ConfigJson(configuration.revision(), upstreams, routes);
    }
}
