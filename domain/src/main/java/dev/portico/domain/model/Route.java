package dev.portico.domain.model;

import dev.portico.domain.validation.Errors;
import dev.portico.domain.validation.Validated;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Which requests go to which upstream, and how they are rewritten on the way.
 *
 * @param hosts        hosts this route answers for; empty means any host
 * @param pathPrefix   raw (percent-encoded) path prefix, starting with '/'; matched as a plain string prefix
 * @param stripPrefix  remove the prefix before forwarding ({@code /api/users} with prefix {@code /api/} goes out as {@code /users})
 * @param preserveHost send the client's Host header to the upstream instead of the target's own
 * @param timeout      how long to wait for the upstream to start answering (and between reads) before a 504
 * @param redirectToHttps a request on the plain HTTP listener gets a 308 to the same URL on the HTTPS listener
 * @param hsts         the Strict-Transport-Security policy sent on responses over TLS; empty sends none
 * @param webSocketIdleTimeout how long a WebSocket relayed for this route may carry no frame before it is closed
 */
public record Route(String name, List<HostPattern> hosts, String pathPrefix, String upstream,
                    boolean stripPrefix, boolean preserveHost, Duration timeout, boolean redirectToHttps,
                    Optional<Hsts> hsts, Duration webSocketIdleTimeout) {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);
    public static final Duration MAX_TIMEOUT = Duration.ofHours(24);
    public static final Duration DEFAULT_WEBSOCKET_IDLE_TIMEOUT = Duration.ofHours(1);
    public static final Duration MIN_WEBSOCKET_IDLE_TIMEOUT = Duration.ofSeconds(1);
    public static final Duration MAX_WEBSOCKET_IDLE_TIMEOUT = Duration.ofHours(24);
    public static final int MAX_HOSTS = 100;
    public static final int MAX_PREFIX_LENGTH = 1024;

    public Route {
        ResourceName.require(name);
        ResourceName.require(upstream);
        hosts = List.copyOf(hosts);
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(hsts, "hsts");
        Objects.requireNonNull(webSocketIdleTimeout, "webSocketIdleTimeout");
        if (!isValidPrefix(pathPrefix)) {
            throw new IllegalArgumentException("invalid path prefix: " + pathPrefix);
        }
        if (timeout.isNegative() || timeout.isZero() || timeout.compareTo(MAX_TIMEOUT) > 0) {
            throw new IllegalArgumentException("timeout out of range: " + timeout);
        }
        if (webSocketIdleTimeout.compareTo(MIN_WEBSOCKET_IDLE_TIMEOUT) < 0
                || webSocketIdleTimeout.compareTo(MAX_WEBSOCKET_IDLE_TIMEOUT) > 0) {
            throw new IllegalArgumentException("WebSocket idle timeout out of range: " + webSocketIdleTimeout);
        }
    }

    /** A route without HTTPS redirect or HSTS, WebSockets closed after the default idle time. */
    public Route(String name, List<HostPattern> hosts, String pathPrefix, String upstream,
                 boolean stripPrefix, boolean preserveHost, Duration timeout) {
        this(name, hosts, pathPrefix, upstream, stripPrefix, preserveHost, timeout, false, Optional.empty(),
                DEFAULT_WEBSOCKET_IDLE_TIMEOUT);
    }

    /** A route as an operator wrote it; absent fields take their defaults. */
    public record RouteSpec(List<String> hosts, String pathPrefix, String upstream,
                            Boolean stripPrefix, Boolean preserveHost, Long timeoutMs, Boolean redirectToHttps,
                            HstsSpec hsts, Long webSocketIdleTimeoutMs) {
        /** A route with the HTTPS and WebSocket settings at their defaults. */
        public RouteSpec(List<String> hosts, String pathPrefix, String upstream,
                         Boolean stripPrefix, Boolean preserveHost, Long timeoutMs) {
            this(hosts, pathPrefix, upstream, stripPrefix, preserveHost, timeoutMs, null, null, null);
        }
    }

    /** HSTS as written: maxAgeSeconds is required, the flags default to false. */
    public record HstsSpec(Long maxAgeSeconds, Boolean includeSubDomains, Boolean preload) {
    }

    /** Checks a route as an operator wrote it; every error is reported at once. Whether the upstream exists is the store's to say. */
    public static Validated<Route> parse(String name, RouteSpec spec) {
        Errors errors = new Errors();
        ResourceName.check("name", name, errors);
        List<HostPattern> hosts = new ArrayList<>();
        if (spec.hosts() != null) {
            if (spec.hosts().size() > MAX_HOSTS) {
                errors.add("hosts", "has more than " + MAX_HOSTS + " entries");
            } else {
                LinkedHashSet<HostPattern> unique = new LinkedHashSet<>();
                for (int i = 0; i < spec.hosts().size(); i++) {
                    HostPattern host = HostPattern.parse("hosts[" + i + "]", spec.hosts().get(i), errors);
                    if (host != null && !unique.add(host)) {
                        errors.add("hosts[" + i + "]", "repeats '" + host + "'");
                    }
                }
                hosts.addAll(unique);
            }
        }
        String prefix = spec.pathPrefix() == null ? "/" : spec.pathPrefix();
        if (!prefix.startsWith("/")) {
            errors.add("pathPrefix", "must start with '/'");
        } else if (!isValidPrefix(prefix)) {
            errors.add("pathPrefix", "must be at most " + MAX_PREFIX_LENGTH
                    + " characters of a URL path: no spaces, '?', '#' or control characters, and '%' only as %XX");
        }
        if (spec.upstream() == null || spec.upstream().isEmpty()) {
            errors.add("upstream", "is required: the name of an upstream");
        } else {
            ResourceName.check("upstream", spec.upstream(), errors);
        }
        Duration timeout = DEFAULT_TIMEOUT;
        if (spec.timeoutMs() != null) {
            if (spec.timeoutMs() < 1 || spec.timeoutMs() > MAX_TIMEOUT.toMillis()) {
                errors.add("timeoutMs", "must be between 1 and " + MAX_TIMEOUT.toMillis());
            } else {
                timeout = Duration.ofMillis(spec.timeoutMs());
            }
        }
        Optional<Hsts> hsts = spec.hsts() == null ? Optional.empty() : hsts(spec.hsts(), errors);
        Duration webSocketIdle = DEFAULT_WEBSOCKET_IDLE_TIMEOUT;
        if (spec.webSocketIdleTimeoutMs() != null) {
            long min = MIN_WEBSOCKET_IDLE_TIMEOUT.toMillis();
            long max = MAX_WEBSOCKET_IDLE_TIMEOUT.toMillis();
            if (spec.webSocketIdleTimeoutMs() < min || spec.webSocketIdleTimeoutMs() > max) {
                errors.add("webSocketIdleTimeoutMs", "must be between " + min + " (1 s) and " + max + " (24 h)");
            } else {
                webSocketIdle = Duration.ofMillis(spec.webSocketIdleTimeoutMs());
            }
        }
        Duration finalTimeout = timeout;
        Duration finalWebSocketIdle = webSocketIdle;
        return errors.orValid(() -> new Route(name, hosts, prefix, spec.upstream(),
                Boolean.TRUE.equals(spec.stripPrefix()), Boolean.TRUE.equals(spec.preserveHost()), finalTimeout,
                Boolean.TRUE.equals(spec.redirectToHttps()), hsts, finalWebSocketIdle));
    }

    private static Optional<Hsts> hsts(HstsSpec spec, Errors errors) {
        Long maxAge = spec.maxAgeSeconds();
        if (maxAge == null) {
            errors.add("hsts.maxAgeSeconds", "is required with hsts: how long browsers must use HTTPS only,"
                    + " e.g. 31536000 (a year)");
            return Optional.empty();
        }
        if (maxAge < 0 || maxAge > Hsts.MAX_AGE_LIMIT_SECONDS) {
            errors.add("hsts.maxAgeSeconds", "must be between 0 (browsers forget the policy) and "
                    + Hsts.MAX_AGE_LIMIT_SECONDS + " (ten years)");
            return Optional.empty();
        }
        boolean includeSubDomains = Boolean.TRUE.equals(spec.includeSubDomains());
        boolean preload = Boolean.TRUE.equals(spec.preload());
        if (preload && (!includeSubDomains || maxAge < Hsts.PRELOAD_MIN_AGE_SECONDS)) {
            // the preload list refuses such a host anyway, and the header would promise what cannot be kept
            errors.add("hsts.preload", "needs includeSubDomains true and maxAgeSeconds of at least "
                    + Hsts.PRELOAD_MIN_AGE_SECONDS + " (hstspreload.org's rules)");
            return Optional.empty();
        }
        return Optional.of(new Hsts(Duration.ofSeconds(maxAge), includeSubDomains, preload));
    }

    static boolean isValidPrefix(String prefix) {
        if (prefix == null || !prefix.startsWith("/") || prefix.length() > MAX_PREFIX_LENGTH) {
            return false;
        }
        for (int i = 0; i < prefix.length(); i++) {
            char c = prefix.charAt(i);
            if (c <= 0x20 || c >= 0x7f || c == '?' || c == '#' || c == '\\') {
                return false;
            }
            if (c == '%' && (i + 2 >= prefix.length() || !isHex(prefix.charAt(i + 1)) || !isHex(prefix.charAt(i + 2)))) {
                return false;
            }
        }
        return true;
    }

    private static boolean isHex(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }
}
