package dev.portico.http.client;

import java.time.Duration;
import java.util.Objects;

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
    public Duration shortestTimeout() {
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

    private static void requirePositive(Duration duration, String name) {
        Objects.requireNonNull(duration, name);
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException(name + " must be positive: " + duration);
        }
    }
}
