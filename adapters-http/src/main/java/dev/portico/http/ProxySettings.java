package dev.portico.http;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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

    /**
     * What one client may hold of the proxy listeners, and for how long; past a limit the client is refused at once,
     * never queued. The defaults are nginx's where nginx has one.
     *
     * @param headerTimeout       a request head must arrive whole within this, from the connection's start or from its
     *                            first byte on a kept-alive connection (nginx's client_header_timeout); TLS handshakes
     *                            included
     * @param bodyTimeout         the longest wait for the next bytes of a request body (client_body_timeout)
     * @param keepAliveTimeout    an idle connection between requests is closed after this (keepalive_timeout); an
     *                            HTTP/2 connection when nothing moved either way on it and no stream is open
     * @param sendTimeout         the longest a single write to a client may block, when it does not read
     *                            (send_timeout)
     * @param maxConnections      client connections one listener keeps open at once; more are closed as they come
     * @param maxRequests         requests the proxy listeners forward at once, together; more get 503
     * @param maxStreams          HTTP/2 streams one connection may have open at once (http2_max_concurrent_streams)
     * @param maxRequestLine      the longest request line, in bytes (414 beyond)
     * @param maxHeaderSize       the largest header section, in bytes (431 beyond)
     */
    public record ClientLimits(Duration headerTimeout, Duration bodyTimeout, Duration keepAliveTimeout,
                               Duration sendTimeout, int maxConnections, int maxRequests, int maxStreams,
                               int maxRequestLine, int maxHeaderSize) {
        public static final Duration DEFAULT_HEADER_TIMEOUT = Duration.ofSeconds(60);
        public static final Duration DEFAULT_BODY_TIMEOUT = Duration.ofSeconds(60);
        public static final Duration DEFAULT_KEEPALIVE_TIMEOUT = Duration.ofSeconds(75);
        public static final Duration DEFAULT_SEND_TIMEOUT = Duration.ofSeconds(60);
        /**
         * Sized with {@link #DEFAULT_MAX_REQUESTS} for the default heap (112 MiB), which holds both at once on both
         * listeners with room to spare: an idle connection holds 13 KiB of it, 27 KiB over TLS (bench/NOTES.md).
         */
        public static final int DEFAULT_MAX_CONNECTIONS = 1024;
        /** A request in flight holds 30 KiB of heap, up to 120 KiB mid-way through a large body (bench/NOTES.md). */
        public static final int DEFAULT_MAX_REQUESTS = 256;
        public static final int DEFAULT_MAX_STREAMS = 128;
        /** nginx's large_client_header_buffers: 8 KiB for the request line. */
        public static final int DEFAULT_MAX_REQUEST_LINE = 8192;
        /** nginx's large_client_header_buffers: 4 x 8 KiB for the whole head. */
        public static final int DEFAULT_MAX_HEADER_SIZE = 32768;

        public ClientLimits {
            requirePositive(headerTimeout, "headerTimeout");
            requirePositive(bodyTimeout, "bodyTimeout");
            requirePositive(keepAliveTimeout, "keepAliveTimeout");
            requirePositive(sendTimeout, "sendTimeout");
            requireAtLeast(maxConnections, 1, "maxConnections");
            requireAtLeast(maxRequests, 1, "maxRequests");
            requireAtLeast(maxStreams, 1, "maxStreams");
            requireAtLeast(maxRequestLine, 64, "maxRequestLine");
            requireAtLeast(maxHeaderSize, 256, "maxHeaderSize");
        }

        public static ClientLimits defaults() {
            return new ClientLimits(DEFAULT_HEADER_TIMEOUT, DEFAULT_BODY_TIMEOUT, DEFAULT_KEEPALIVE_TIMEOUT,
                    DEFAULT_SEND_TIMEOUT, DEFAULT_MAX_CONNECTIONS, DEFAULT_MAX_REQUESTS, DEFAULT_MAX_STREAMS,
                    DEFAULT_MAX_REQUEST_LINE, DEFAULT_MAX_HEADER_SIZE);
        }

        public ClientLimits withTimeouts(Duration header, Duration body, Duration keepAlive, Duration send) {
            return new ClientLimits(header, body, keepAlive, send, maxConnections, maxRequests, maxStreams,
                    maxRequestLine, maxHeaderSize);
        }

        public ClientLimits withCounts(int connections, int requests, int streams) {
            return new ClientLimits(headerTimeout, bodyTimeout, keepAliveTimeout, sendTimeout, connections, requests,
                    streams, maxRequestLine, maxHeaderSize);
        }

        public ClientLimits withHeadSizes(int requestLine, int headerSize) {
            return new ClientLimits(headerTimeout, bodyTimeout, keepAliveTimeout, sendTimeout, maxConnections,
                    maxRequests, maxStreams, requestLine, headerSize);
        }

        /** The shortest of the timeouts: the reaper of overdue connections looks this often, or more. */
        Duration shortestTimeout() {
            Duration shortest = headerTimeout;
            for (Duration d : new Duration[] {bodyTimeout, keepAliveTimeout, sendTimeout}) {
                if (d.compareTo(shortest) < 0) {
                    shortest = d;
                }
            }
            return shortest;
        }

        private static void requireAtLeast(int value, int min, String name) {
            if (value < min) {
                throw new IllegalArgumentException(name + " must be at least " + min + ": " + value);
            }
        }
    }

    private static void requirePositive(Duration duration, String name) {
        Objects.requireNonNull(duration, name);
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException(name + " must be positive: " + duration);
        }
    }

    /**
     * IP addresses and CIDR ranges of the proxies in front of Portico. Only literals are accepted, never host
     * names: a trust decision must not depend on DNS, and parsing never performs a lookup.
     */
    public static final class TrustedProxies {
        private static final TrustedProxies NONE = new TrustedProxies(List.of());

        private final List<IpRange> ranges;

        private TrustedProxies(List<IpRange> ranges) {
            this.ranges = List.copyOf(ranges);
        }

        public static TrustedProxies none() {
            return NONE;
        }

        /**
         * Parses a comma-separated list of IPv4/IPv6 addresses and CIDR ranges; blank means none.
         *
         * @throws IllegalArgumentException naming the first entry that is not an address or range
         */
        public static TrustedProxies parse(String list) {
            if (list == null || list.isBlank()) {
                return NONE;
            }
            List<IpRange> ranges = new ArrayList<>();
            for (String raw : list.split(",", -1)) {
                String entry = raw.strip();
                if (entry.isEmpty()) {
                    throw new IllegalArgumentException("trusted proxies: empty entry in '" + list
                            + "'; separate addresses and CIDR ranges with single commas");
                }
                ranges.add(IpRange.parse(entry));
            }
            return new TrustedProxies(ranges);
        }

        /** Whether the address lies in one of the ranges; an IPv4-mapped IPv6 address counts as its IPv4 address. */
        public boolean contains(InetAddress address) {
            if (ranges.isEmpty()) {
                return false;
            }
            return contains(IpLiteral.canonical(address.getAddress()));
        }

        private boolean contains(byte[] canonical) {
            for (IpRange range : ranges) {
                if (range.contains(canonical)) {
                    return true;
                }
            }
            return false;
        }

        /**
         * The address of the client a request comes from, as the hash policy's {@code client_ip} sees it: the TCP peer,
         * or, when the peer is a trusted proxy, the right-most X-Forwarded-For entry that is not a trusted proxy itself
         * (nginx's realip module with {@code real_ip_recursive on}): behind a load balancer, clients then spread over
         * the targets instead of all hashing as the load balancer. Entries may carry a port ({@code 203.0.113.7:4711},
         * {@code [2001:db8::1]:4711}); one that is not an IP address ends the walk at the hop after it, as nothing
         * before it can be believed.
         *
         * @param forwardedFor the X-Forwarded-For entries in the order they arrived, one address each
         */
        public String clientOf(InetAddress peer, List<String> forwardedFor) {
            byte[] client = IpLiteral.canonical(peer.getAddress());
            if (!contains(client)) {
                return IpLiteral.format(client);
            }
            for (int i = forwardedFor.size() - 1; i >= 0; i--) {
                byte[] hop = entryAddress(forwardedFor.get(i));
                if (hop == null) {
                    break;
                }
                client = IpLiteral.canonical(hop);
                if (!contains(client)) {
                    break;
                }
            }
            return IpLiteral.format(client);
        }

        private static byte[] entryAddress(String entry) {
            String text = entry.strip();
            if (text.startsWith("[")) {
                int end = text.indexOf(']');
                return end < 0 ? null : IpLiteral.parse(text.substring(1, end));
            }
            int colon = text.indexOf(':');
            if (colon > 0 && colon == text.lastIndexOf(':') && text.indexOf('.') > 0) {
                text = text.substring(0, colon);
            }
            return IpLiteral.parse(text);
        }

        public boolean isEmpty() {
            return ranges.isEmpty();
        }

        /** The ranges in canonical CIDR form, e.g. {@code [10.0.0.0/8, 127.0.0.1/32, ::1/128]}. */
        public List<String> ranges() {
            return ranges.stream().map(IpRange::toString).toList();
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof TrustedProxies that && ranges.equals(that.ranges);
        }

        @Override
        public int hashCode() {
            return ranges.hashCode();
        }

        @Override
        public String toString() {
            return String.join(", ", ranges());
        }
    }

    /** One CIDR range; a bare address is the range of its full length. Host bits of the base are cleared. */
    record IpRange(byte[] base, int prefixLength) {
        static IpRange parse(String entry) {
            int slash = entry.indexOf('/');
            String address = slash < 0 ? entry : entry.substring(0, slash);
            byte[] bytes = IpLiteral.parse(address);
            if (bytes == null) {
                throw new IllegalArgumentException("trusted proxies: '" + entry + "' is not an IP address or CIDR range;"
                        + " use literals such as 10.0.0.0/8, 127.0.0.1 or ::1 (host names are not accepted)");
            }
            int bits = bytes.length * 8;
            int prefix = bits;
            if (slash >= 0) {
                String length = entry.substring(slash + 1);
                prefix = length.matches("[0-9]{1,3}") ? Integer.parseInt(length) : -1;
                if (prefix < 0 || prefix > bits) {
                    throw new IllegalArgumentException("trusted proxies: '" + entry + "' has an invalid prefix length;"
                            + " use 0 to " + bits + " for an IPv" + (bytes.length == 4 ? 4 : 6) + " range");
                }
            }
            byte[] canonical = IpLiteral.canonical(bytes);
            if (canonical.length == 4 && bytes.length == 16) {
                // an IPv4-mapped range (::ffff:10.0.0.0/104) is the IPv4 range it maps: clients are matched that way
                if (prefix < 96) {
                    throw new IllegalArgumentException("trusted proxies: '" + entry + "' reaches beyond the"
                            + " IPv4-mapped addresses; use a prefix of at least 96, or an IPv4 range");
                }
                bytes = canonical;
                prefix -= 96;
            }
            return new IpRange(masked(bytes, prefix), prefix);
        }

        boolean contains(byte[] address) {
            if (address.length != base.length) {
                return false;
            }
            int full = prefixLength / 8;
            for (int i = 0; i < full; i++) {
                if (address[i] != base[i]) {
                    return false;
                }
            }
            int rest = prefixLength % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xff << (8 - rest)) & 0xff;
            return (address[full] & mask) == (base[full] & mask);
        }

        private static byte[] masked(byte[] bytes, int prefix) {
            byte[] result = bytes.clone();
            for (int i = 0; i < result.length; i++) {
                int keep = Math.max(0, Math.min(8, prefix - i * 8));
                result[i] = (byte) (result[i] & ((0xff << (8 - keep)) & 0xff));
            }
            return result;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof IpRange that && prefixLength == that.prefixLength && Arrays.equals(base, that.base);
        }

        @Override
        public int hashCode() {
            return 31 * Arrays.hashCode(base) + prefixLength;
        }

        @Override
        public String toString() {
            return IpLiteral.format(base) + "/" + prefixLength;
        }
    }
}
