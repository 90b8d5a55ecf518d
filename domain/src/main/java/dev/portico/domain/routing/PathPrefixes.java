package dev.portico.domain.routing;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The routes of one host (or of one tier), indexed for "longest matching path prefix". Few routes are scanned in
 * order, longest prefix first; many are looked up by prefix, once per distinct prefix length, so that a host with
 * thousands of routes costs a handful of hash lookups rather than a scan.
 */
final class PathPrefixes {
    private static final int SCAN_LIMIT = 8;
    static final PathPrefixes NONE = new PathPrefixes(new ResolvedRoute[0], null, null);

    /** Sorted longest prefix first, ties by route name; used when there are few. */
    private final ResolvedRoute[] ordered;
    /** Distinct prefix lengths, longest first; with {@link #byPrefix} when there are many routes. */
    private final int[] lengths;
    private final Map<String, ResolvedRoute> byPrefix;

    private PathPrefixes(ResolvedRoute[] ordered, int[] lengths, Map<String, ResolvedRoute> byPrefix) {
        this.ordered = ordered;
        this.lengths = lengths;
        this.byPrefix = byPrefix;
    }

    /** @param ordered longest prefix first, ties by route name: the first route of each prefix wins */
    static PathPrefixes of(ResolvedRoute[] ordered) {
        if (ordered.length == 0) {
            return NONE;
        }
        if (ordered.length <= SCAN_LIMIT) {
            return new PathPrefixes(ordered, null, null);
        }
        Map<String, ResolvedRoute> byPrefix = new HashMap<>(ordered.length * 2);
        for (ResolvedRoute route : ordered) {
            byPrefix.putIfAbsent(route.route().pathPrefix(), route);
        }
        int[] lengths = byPrefix.keySet().stream().mapToInt(String::length).distinct()
                .map(length -> -length).sorted().map(length -> -length).toArray();
        return new PathPrefixes(ordered, lengths, Map.copyOf(byPrefix));
    }

    /** The route with the longest prefix of {@code rawPath}, or null. */
    ResolvedRoute longestMatch(String rawPath) {
        if (byPrefix == null) {
            for (ResolvedRoute candidate : ordered) {
                if (candidate.matchesPath(rawPath)) {
                    return candidate;
                }
            }
            return null;
        }
        for (int length : lengths) {
            if (length <= rawPath.length()) {
                ResolvedRoute found = byPrefix.get(rawPath.substring(0, length));
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return "PathPrefixes" + Arrays.toString(ordered);
    }
}
