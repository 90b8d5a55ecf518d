package dev.portico.domain.port;

import dev.portico.domain.routing.RoutingDecision;

/** Inbound port of the data plane: which route serves a request. Called on every request; never blocks. */
public interface ResolveRoute {

    /**
     * @param hostHeader the Host header or :authority as sent (may be null)
     * @param rawPath    the raw, percent-encoded path
     */
    RoutingDecision resolve(String hostHeader, String rawPath);
}
