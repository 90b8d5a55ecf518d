package dev.portico.domain.routing;

import dev.portico.domain.balancing.LoadBalancer;
import dev.portico.domain.health.TargetStates;
import dev.portico.domain.model.Configuration;
import dev.portico.domain.model.HostPattern;
import dev.portico.domain.model.RawPath;
import dev.portico.domain.model.Route;
import dev.portico.domain.model.Upstream;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * An immutable snapshot of the configuration, indexed for matching. A request is matched in three tiers:
 * routes naming its exact host, then routes with the longest matching wildcard, then routes for any host;
 * within a tier the longest path prefix wins (ties go to the route whose name sorts first). When no route of a
 * tier matches the path, the next tier is tried, so a catch-all route still serves paths a host's routes leave.
 */
public final class RoutingTable {
    private static final ResolvedRoute[] NONE = new ResolvedRoute[0];
    private static final Comparator<ResolvedRoute> MOST_SPECIFIC_FIRST =
            Comparator.<ResolvedRoute>comparingInt(r -> r.route().pathPrefix().length()).reversed()
                    .thenComparing(r -> r.route().name());

    private final Configuration configuration;
    private final Map<String, PathPrefixes> exact;
    /** Keyed by the suffix after {@code *.}: {@code example.org} for {@code *.example.org}. */
    private final Map<String, PathPrefixes> wildcard;
    private final PathPrefixes anyHost;

    private RoutingTable(Configuration configuration, Map<String, PathPrefixes> exact,
                         Map<String, PathPrefixes> wildcard, PathPrefixes anyHost) {
        this.configuration = configuration;
        this.exact = exact;
        this.wildcard = wildcard;
        this.anyHost = anyHost;
    }

    public static RoutingTable empty() {
        return build(Configuration.empty());
    }

    /** Builds the table with balancer state of its own; a route whose upstream is missing is left out. */
    public static RoutingTable build(Configuration configuration) {
        return build(configuration, TargetStates.systemClock());
    }

    /**
     * Builds the table on shared balancer state, so that targets also in the previous table keep their in-flight
     * counts, health and round-robin position; a route whose upstream is missing is left out.
     */
    public static RoutingTable build(Configuration configuration, TargetStates states) {
        Map<String, LoadBalancer> balancers = configuration.upstreams().stream()
                .collect(Collectors.toMap(Upstream::name, u -> LoadBalancer.of(u, states)));
        Map<String, Upstream> upstreams = configuration.upstreams().stream()
                .collect(Collectors.toMap(Upstream::name, Function.identity()));
        Map<String, List<ResolvedRoute>> exact = new HashMap<>();
        Map<String, List<ResolvedRoute>> wildcard = new HashMap<>();
        List<ResolvedRoute> anyHost = new ArrayList<>();
        for (Route route : configuration.routes()) {
            Upstream upstream = upstreams.get(route.upstream());
            if (upstream == null) {
                continue;
            }
            ResolvedRoute resolved = new ResolvedRoute(route, upstream, balancers.get(upstream.name()));
            if (route.hosts().isEmpty()) {
                anyHost.add(resolved);
            }
            for (HostPattern host : route.hosts()) {
                if (host.isWildcard()) {
                    wildcard.computeIfAbsent(host.value().substring(2), k -> new ArrayList<>()).add(resolved);
                } else {
                    exact.computeIfAbsent(host.value(), k -> new ArrayList<>()).add(resolved);
                }
            }
        }
        return new RoutingTable(configuration, sorted(exact), sorted(wildcard), sorted(anyHost));
    }

    private static Map<String, PathPrefixes> sorted(Map<String, List<ResolvedRoute>> byHost) {
        Map<String, PathPrefixes> result = new HashMap<>(Math.max(16, byHost.size() * 2));
        byHost.forEach((host, routes) -> result.put(host, sorted(routes)));
        return Map.copyOf(result);
    }

    private static PathPrefixes sorted(List<ResolvedRoute> routes) {
        ResolvedRoute[] array = routes.toArray(NONE);
        java.util.Arrays.sort(array, MOST_SPECIFIC_FIRST);
        return PathPrefixes.of(array);
    }

    public Configuration configuration() {
        return configuration;
    }

    public long revision() {
        return configuration.revision();
    }

    /**
     * Finds the route for a request.
     *
     * @param hostHeader the Host header or :authority as the client sent it (port, trailing dot and case are ignored); may be null
     * @param rawPath    the raw, percent-encoded request path
     */
    public RoutingDecision resolve(String hostHeader, String rawPath) {
        if (RawPath.hasDotSegment(rawPath)) {
            return RoutingDecision.BadPath.INSTANCE;
        }
        String host = normalizeHost(hostHeader);
        if (!host.isEmpty()) {
            ResolvedRoute found = firstMatch(exact.get(host), rawPath);
            if (found != null) {
                return found;
            }
            if (!wildcard.isEmpty()) {
                // Walk the suffixes from the longest: a.b.example.org tries b.example.org, then example.org, then org.
                // From index 1: a wildcard needs a label before its suffix, so ".example.org" is not under *.example.org.
                for (int dot = host.indexOf('.', 1); dot >= 0; dot = host.indexOf('.', dot + 1)) {
                    found = firstMatch(wildcard.get(host.substring(dot + 1)), rawPath);
                    if (found != null) {
                        return found;
                    }
                }
            }
        }
        ResolvedRoute found = firstMatch(anyHost, rawPath);
        return found != null ? found : RoutingDecision.NoRoute.INSTANCE;
    }

    private static ResolvedRoute firstMatch(PathPrefixes candidates, String rawPath) {
        return candidates == null ? null : candidates.longestMatch(rawPath);
    }

    /** Lower-case host without port or trailing dot; empty when the client sent none. */
    public static String normalizeHost(String hostHeader) {
        if (hostHeader == null || hostHeader.isEmpty()) {
            return "";
        }
        String host = hostHeader;
        if (host.charAt(0) == '[') {
            int close = host.indexOf(']');
            host = close > 0 ? host.substring(0, close + 1) : host;
        } else {
            int colon = host.lastIndexOf(':');
            if (colon >= 0) {
                host = host.substring(0, colon);
            }
        }
        if (host.endsWith(".")) {
            host = host.substring(0, host.length() - 1);
        }
        return host.toLowerCase(Locale.ROOT);
    }
}
