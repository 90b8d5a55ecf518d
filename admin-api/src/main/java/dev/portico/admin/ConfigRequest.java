package dev.portico.admin;

import dev.portico.domain.model.ConfigurationSpec;
import dev.portico.domain.model.Route;
import dev.portico.domain.model.Upstream;
import dev.portico.domain.validation.FieldError;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The body of {@code PUT /v1/config}: what {@code GET /v1/config} answers. {@code revision} is accepted so that an
 * export can be sent back unchanged, and otherwise ignored: a conditional apply says so with If-Match.
 */
record ConfigRequest(Long revision, Map<String, UpstreamRequest> upstreams, Map<String, RouteRequest> routes) {

    /** A name inside an entry that differs from its key, for each entry that has one. */
    List<FieldError> nameErrors() {
        List<FieldError> errors = new ArrayList<>();
        if (upstreams != null) {
            upstreams.forEach((key, upstream) -> {
                if (upstream != null) {
                    errors.addAll(upstream.nameErrors("upstreams." + ConfigurationSpec.shown(key) + ".", key));
                }
            });
        }
        if (routes != null) {
            routes.forEach((key, route) -> {
                if (route != null) {
                    errors.addAll(route.nameErrors("routes." + ConfigurationSpec.shown(key) + ".", key));
                }
            });
        }
        return errors;
    }

    /** The document as the domain checks it; JSON nulls stay null so that the domain can name them. */
    ConfigurationSpec spec() {
        Map<String, Upstream.UpstreamSpec> upstreamSpecs = null;
        if (upstreams != null) {
            upstreamSpecs = new LinkedHashMap<>();
            for (Map.Entry<String, UpstreamRequest> entry : upstreams.entrySet()) {
                UpstreamRequest upstream = entry.getValue();
                upstreamSpecs.put(entry.getKey(), upstream == null ? null : upstream.spec());
            }
        }
        Map<String, Route.RouteSpec> routeSpecs = null;
        if (routes != null) {
            routeSpecs = new LinkedHashMap<>();
            for (Map.Entry<String, RouteRequest> entry : routes.entrySet()) {
                routeSpecs.put(entry.getKey(), entry.getValue() == null ? null : entry.getValue().spec());
            }
        }
        return new ConfigurationSpec(upstreamSpecs, routeSpecs);
    }
}
