package dev.portico.domain.model;

/** What the routing table says about one request: forward it along a route, or there is no route for it. */
public sealed interface RoutingDecision permits ResolvedRoute, RoutingDecision.NoRoute {

    /** No route matches the request's host and path. */
    enum NoRoute implements RoutingDecision {
        INSTANCE
    }
}
