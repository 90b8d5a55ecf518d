package dev.portico.domain.routing;

import dev.portico.domain.balancing.LoadBalancer;
import dev.portico.domain.model.Route;
import dev.portico.domain.model.Target;
import dev.portico.domain.model.Upstream;

/**
 * A route joined with its upstream's balancer, ready for the hot path: everything a request needs that can be
 * computed once per routing table is computed here.
 */
public final class ResolvedRoute implements RoutingDecision {
    private final Route route;
    private final Upstream upstream;
    private final LoadBalancer balancer;
    /** The prefix as the client sees it when a Location is rewritten: {@code /api/} becomes {@code /api}. */
    private final String clientPrefix;

    public ResolvedRoute(Route route, Upstream upstream, LoadBalancer balancer) {
        if (!route.upstream().equals(upstream.name())) {
            throw new IllegalArgumentException("route " + route.name() + " does not use upstream " + upstream.name());
        }
        this.route = route;
        this.upstream = upstream;
        this.balancer = balancer;
        String prefix = route.pathPrefix();
        this.clientPrefix = prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
    }

    public Route route() {
        return route;
    }

    public Upstream upstream() {
        return upstream;
    }

    public LoadBalancer balancer() {
        return balancer;
    }

    /** Whether the route's prefix matches a raw request path. */
    public boolean matchesPath(String rawPath) {
        return rawPath.startsWith(route.pathPrefix());
    }

    /**
     * The raw path and query to request from {@code target}: the prefix stripped if the route says so, then the
     * target's base path put before it. Percent-encoded bytes pass exactly as the client sent them.
     */
    public String upstreamPath(Target target, String rawPath) {
        String path = rawPath;
        if (route.stripPrefix()) {
            path = rawPath.substring(Math.min(route.pathPrefix().length(), rawPath.length()));
            if (!path.startsWith("/")) {
                path = "/" + path;
            }
        }
        return target.basePath().isEmpty() ? path : target.basePath() + path;
    }

    /**
     * nginx's {@code proxy_redirect default}: an absolute Location pointing at the target itself is turned into
     * the address the client used, with a stripped prefix put back; any other Location is returned unchanged.
     */
    public String rewriteLocation(String location, Target target, String clientScheme, String clientHost) {
        int matched = matchedOrigin(location, target.origin() + target.basePath());
        if (matched < 0 && target.isDefaultPort()) {
            matched = matchedOrigin(location, target.scheme() + "://" + target.host() + target.basePath());
        }
        if (matched < 0) {
            return location;
        }
        String rest = location.substring(matched);
        if (rest.isEmpty() || rest.charAt(0) != '/') {
            rest = "/" + rest;
        }
        if (!route.stripPrefix()) {
            return clientScheme + "://" + clientHost + rest;
        }
        return clientScheme + "://" + clientHost + clientPrefix + rest;
    }

    private static int matchedOrigin(String location, String origin) {
        if (!location.regionMatches(true, 0, origin, 0, origin.length())) {
            return -1;
        }
        if (location.length() == origin.length()) {
            return origin.length();
        }
        char next = location.charAt(origin.length());
        return next == '/' || next == '?' || next == '#' ? origin.length() : -1;
    }

    @Override
    public String toString() {
        return "route " + route.name() + " -> upstream " + upstream.name();
    }
}
