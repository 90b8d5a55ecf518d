package dev.portico.http;

import dev.portico.http.client.ClientLimits;
import dev.portico.http.wire.TrustedProxies;

import java.time.Duration;
import java.util.Objects;

/**
 * How the data plane treats clients and upstreams.
 *
 * @param trustedProxies      clients whose X-Forwarded-* headers are believed (appended to) rather than replaced
 * @param connectTimeout      how long to wait for a TCP (and TLS) connection to a target before a 504
 * @param upstreamIdleTimeout how long an idle keep-alive connection to a target is kept for reuse
 * @param httpsPort           the port a route's redirect to HTTPS sends clients to (left out of the URL when 443)
 * @param clients             what one client may hold and for how long
 * @param detailedErrors      whether Portico's own error replies name the upstream and what failed (for debugging);
 *                            by default they say only what happened, and the log says the rest
 */
public record ProxySettings(TrustedProxies trustedProxies, Duration connectTimeout, Duration upstreamIdleTimeout,
                            int httpsPort, ClientLimits clients, boolean detailedErrors) {
    public static final int DEFAULT_HTTPS_PORT = 443;
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /**
     * nginx keeps idle upstream connections 60 s; Portico checks a connection idle longer than a second before
     * reusing it (see UpstreamConnections), so a long default costs nothing but file descriptors.
     */
    public static final Duration DEFAULT_UPSTREAM_IDLE_TIMEOUT = Duration.ofSeconds(60);

    public ProxySettings {
        Objects.requireNonNull(trustedProxies, "trustedProxies");
        requirePositive(connectTimeout, "connectTimeout");
        requirePositive(upstreamIdleTimeout, "upstreamIdleTimeout");
        Objects.requireNonNull(clients, "clients");
        if (httpsPort < 1 || httpsPort > 65535) {
            throw new IllegalArgumentException("httpsPort must be 1 to 65535: " + httpsPort);
        }
    }

    /**
     * No trusted proxies, a 5 s connect timeout, idle upstream connections kept 60 s, redirects to port 443, nginx's
     * client timeouts, short error replies.
     */
    public static ProxySettings defaults() {
        return new ProxySettings(TrustedProxies.none(), DEFAULT_CONNECT_TIMEOUT, DEFAULT_UPSTREAM_IDLE_TIMEOUT,
                DEFAULT_HTTPS_PORT, ClientLimits.defaults(), false);
    }

    /** The defaults with the trusted proxies of a list such as {@code "10.0.0.0/8, 127.0.0.1, ::1"}. */
    public static ProxySettings fromTrustedProxies(String list) {
        return defaults().withTrustedProxies(list);
    }

    public ProxySettings withTrustedProxies(String list) {
        return new ProxySettings(TrustedProxies.parse(list), connectTimeout, upstreamIdleTimeout, httpsPort, clients,
                detailedErrors);
    }

    public ProxySettings withConnectTimeout(Duration timeout) {
        return new ProxySettings(trustedProxies, timeout, upstreamIdleTimeout, httpsPort, clients, detailedErrors);
    }

    public ProxySettings withUpstreamIdleTimeout(Duration timeout) {
        return new ProxySettings(trustedProxies, connectTimeout, timeout, httpsPort, clients, detailedErrors);
    }

    /** The port of the HTTPS listener as clients reach it, for redirects to HTTPS. */
    public ProxySettings withHttpsPort(int port) {
        return new ProxySettings(trustedProxies, connectTimeout, upstreamIdleTimeout, port, clients, detailedErrors);
    }

    public ProxySettings withClients(ClientLimits limits) {
        return new ProxySettings(trustedProxies, connectTimeout, upstreamIdleTimeout, httpsPort, limits,
                detailedErrors);
    }

    public ProxySettings withDetailedErrors(boolean detailed) {
        return new ProxySettings(trustedProxies, connectTimeout, upstreamIdleTimeout, httpsPort, clients, detailed);
    }

    private static void requirePositive(Duration duration, String name) {
        Objects.requireNonNull(duration, name);
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException(name + " must be positive: " + duration);
        }
    }
}
