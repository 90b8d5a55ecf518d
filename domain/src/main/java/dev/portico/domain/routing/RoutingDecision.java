package dev.portico.domain.routing;

/**
 * What the routing table says about one request: forward it along a route, there is no route for it, or its path
 * must not be routed at all.
 */
public sealed interface RoutingDecision permits ResolvedRoute, RoutingDecision.NoRoute, RoutingDecision.BadPath {

    /** No route matches the request's host and path. */
    enum NoRoute implements RoutingDecision {
        INSTANCE
    }

    /**
     * The path has a '.' or '..' segment (also percent-encoded): it could match one route's prefix and reach another
     * path once the upstream resolves the dots, so it is routed nowhere.
     */
    enum BadPath implements RoutingDecision {
        INSTANCE
    }
}
