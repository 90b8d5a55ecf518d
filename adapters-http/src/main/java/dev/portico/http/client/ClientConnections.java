package dev.portico.http.client;

import io.helidon.common.buffers.BufferData;
import io.helidon.common.buffers.DataReader;
import io.helidon.common.concurrency.limits.Limit;
import io.helidon.common.socket.HelidonSocket;
import io.helidon.common.task.InterruptableTask;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.ServerConnectionException;
import io.helidon.webserver.spi.ServerConnection;
import io.helidon.webserver.spi.ServerConnectionSelector;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.net.Socket;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLSocket;

/**
 * Every client connection of one proxy listener, from its first moment to its end: the listener's only connection
 * selector, so Helidon hands each connection here before reading a byte of it (after the TLS handshake on an HTTPS
 * listener, whose sockets are {@link #admit admitted} before it). Here a connection is counted against the listener's
 * limit, watched for deadlines ({@link ClientDeadlines}), and given to HTTP/2 (h2 by ALPN, or h2c's preface) or to
 * Portico's HTTP/1.x reader, with its writes under the send timeout.
 */
public final class ClientConnections implements ServerConnectionSelector, AdmittingSslContext.Admission {
    private static final System.Logger LOG = System.getLogger(ClientConnections.class.getName());
    /** How often an HTTP/2 connection is looked at while its streams finish before it closes. */
    private static final Duration DRAIN_POLL = Duration.ofMillis(20);
    /** Idle connections closed at once when the listener is full (nginx closes up to 32). */
    private static final int RECLAIMED_AT_ONCE = 32;
    private static final byte[] H2_PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private final String listener;
    private final ClientLimits limits;
    private final ClientDeadlines deadlines;
    private final ServerConnectionSelector http2;
    private final Http1 http1;
    private final TlsSessions tlsSessions;
    private final AtomicInteger open = new AtomicInteger();
    /** TLS connections admitted before their handshake, until their connection starts here. */
    private final Map<Endpoints, ClientDeadlines.Watch> handshaking = new ConcurrentHashMap<>();
    /** This listener's connections, to be told when Portico stops. */
    private final Set<Front> fronts = ConcurrentHashMap.newKeySet();
    private volatile boolean draining;
    /** The watches of this listener's connections, for making room when it is full. */
    private final Set<ClientDeadlines.Watch> watches = ConcurrentHashMap.newKeySet();
    private volatile long lastRefusalLog;

    /** Makes the HTTP/1.x connection of a client connection, watched by {@code watch}. */
    @FunctionalInterface
    public interface Http1 {
        ServerConnection connection(ConnectionContext ctx, ClientDeadlines.Watch watch);
    }

    /** A TCP connection as both ends of it name it. */
    private record Endpoints(SocketAddress remote, int localPort) {
    }

    /**
     * @param listener the listener's name, for the log
     * @param http2    Helidon's HTTP/2 selector for this listener
     * @param http1    Portico's HTTP/1.x reader
     * @param tlsSessions where the TLS sockets of this listener's connections are known while they are open
     */
    public ClientConnections(String listener, ClientLimits limits, ClientDeadlines deadlines,
                      ServerConnectionSelector http2, Http1 http1, TlsSessions tlsSessions) {
        this.listener = listener;
        this.limits = limits;
        this.deadlines = deadlines;
        this.http2 = http2;
        this.http1 = http1;
        this.tlsSessions = tlsSessions;
    }

    /** Open client connections of this listener, TLS handshakes in progress included. */
    public int open() {
        return open.get();
    }

    /**
     * Open client connections by protocol: {@code http/1.1} (HTTP/1.x and WebSockets), {@code h2},
     * {@code tls-handshake}, and {@code pending} (accepted, its first bytes not read yet).
     */
    public Map<String, Integer> openByProtocol() {
        int h2 = 0;
        int http11 = 0;
        for (Front front : fronts) {
            if (front.speaksHttp2) {
                h2++;
            } else if (front.chosen != null) {
                http11++;
            }
        }
        int handshakes = handshaking.size();
        return Map.of("http/1.1", http11, "h2", h2, "tls-handshake", handshakes,
                "pending", Math.max(0, open.get() - h2 - http11 - handshakes));
    }

    public String listener() {
        return listener;
    }

    @Override
    public int bytesToIdentifyConnection() {
        return 0;
    }

    @Override
    public Support supports(BufferData data) {
        return Support.SUPPORTED;
    }

    @Override
    public Set<String> supportedApplicationProtocols() {
        return Set.of("h2", "http/1.1");
    }

    /**
     * A new TLS connection, before its handshake: counted, and watched from now on (the handshake and the first
     * request head must end within the header timeout). False when the listener is full: the socket is closed.
     */
    @Override
    public boolean admit(Socket raw) {
        if (!countOne()) {
            closeQuietly(raw);
            return false;
        }
        Endpoints endpoints = new Endpoints(raw.getRemoteSocketAddress(), raw.getLocalPort());
        ClientDeadlines.Watch watch = deadlines.watch(System.nanoTime() + limits.headerTimeout().toNanos(),
                () -> closeQuietly(raw), ended -> {
                    open.decrementAndGet();
                    watches.remove(ended);
                    handshaking.remove(endpoints, ended);
                    tlsSessions.remove(endpoints.remote(), endpoints.localPort());
                });
        // a handshake is no idle connection; and a failed one leaves nothing here to end the watch: Helidon closes the
        // socket
        watch.waitingForRequest(false);
        watch.endWhen(raw::isClosed);
        watches.add(watch);
        handshaking.put(endpoints, watch);
        return true;
    }

    @Override
    public void wrapped(Socket raw, SSLSocket tls) {
        tlsSessions.add(raw.getRemoteSocketAddress(), raw.getLocalPort(), tls);
    }

    @Override
    public ServerConnection connection(ConnectionContext ctx) {
        ClientDeadlines.Watch watch = ctx.isSecure()
                ? handshaking.remove(new Endpoints(ctx.remotePeer().address(), ctx.localPeer().port())) : null;
        if (draining) {
            if (watch != null) {
                watch.end();
            }
            return ClosingConnection.INSTANCE;
        }
        if (watch == null) {
            if (!countOne()) {
                return ClosingConnection.INSTANCE;
            }
            HelidonSocket socket = ctx.serverSocket();
            watch = deadlines.watch(System.nanoTime() + limits.headerTimeout().toNanos(), socket::close,
                    ended -> {
                        open.decrementAndGet();
                        watches.remove(ended);
                    });
            watches.add(watch);
        }
        Front front = new Front(ctx, watch);
        fronts.add(front);
        return front;
    }

    /**
     * Portico is stopping: new connections are closed as they come, connections waiting for a request close now, and
     * the others once their current response is complete (HTTP/1.x says {@code Connection: close} on it) or, for
     * HTTP/2, once their open streams are answered.
     */
    public void drain() {
        draining = true;
        for (Front front : fronts) {
            front.close(false);
        }
    }

    /**
     * Counts a new connection. When the listener is full, connections that wait for a request of which nothing came
     * yet are closed to make room, up to {@link #RECLAIMED_AT_ONCE} at a time, as nginx does; only when there are none
     * is the new connection refused.
     */
    private boolean countOne() {
        if (open.incrementAndGet() <= limits.maxConnections()) {
            return true;
        }
        int reclaimed = 0;
        for (ClientDeadlines.Watch watch : watches) {
            if (reclaimed == RECLAIMED_AT_ONCE) {
                break;
            }
            if (watch.waitingForRequest()) {
                watch.waitingForRequest(false);
                watch.closeNow("the listener is full and this connection was waiting for a request");
                reclaimed++;
            }
        }
        if (reclaimed > 0) {
            // the count stays above the limit until the closed connections have ended
            return true;
        }
        open.decrementAndGet();
        long now = System.nanoTime();
        // one line a second at most: a flood must not become a flood of log lines
        if (now - lastRefusalLog > 1_000_000_000L) {
            lastRefusalLog = now;
            LOG.log(Level.WARNING, "Listener ''{0}'' has {1} client connections open, its limit"
                    + " (PORTICO_MAX_CLIENT_CONNECTIONS): closing new ones as they come", listener,
                    limits.maxConnections());
        }
        return false;
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // closed already
        }
    }

    /** One client connection: HTTP/2 or HTTP/1.x, decided by ALPN or by its first bytes. */
    private final class Front implements ServerConnection, InterruptableTask<Void> {
        private final ConnectionContext ctx;
        private final ClientDeadlines.Watch watch;
        private volatile ServerConnection chosen;
        private volatile boolean speaksHttp2;
        private volatile boolean closing;

        public Front(ConnectionContext ctx, ClientDeadlines.Watch watch) {
            this.ctx = ctx;
            this.watch = watch;
        }

        @Override
        public void handle(Limit limit) throws InterruptedException {
            try {
                ServerConnection connection = choose();
                chosen = connection;
                if (closing) {
                    connection.close(true);
                    return;
                }
                connection.handle(limit);
            } catch (UncheckedIOException e) {
                // the client hung up or reset mid-exchange (health checks and scanners do): the connection ends,
                // and it is not worth Helidon's warning with a stack trace
                throw new CloseConnectionException("client connection failed: " + e.getCause().getMessage(), e);
            } finally {
                watch.end();
                fronts.remove(this);
            }
        }

        private ServerConnection choose() {
            WatchedContext watched = new WatchedContext(ctx, ctx.dataReader(), watch,
                    limits.sendTimeout().toNanos());
            HelidonSocket socket = ctx.serverSocket();
            boolean negotiated = socket.protocolNegotiated();
            if (negotiated ? "h2".equals(socket.protocol()) : startsWithPreface(ctx.dataReader(), watch)) {
                speaksHttp2 = true;
                return http2(watched);
            }
            return http1.connection(watched, watch);
        }

        /**
         * HTTP/2: each read the connection makes pushes its idle deadline back; while a stream is open, an idle
         * deadline that passes is pushed back too, since the client may rightly wait for a slow upstream.
         */
        private ServerConnection http2(WatchedContext watched) {
            long idle = limits.keepAliveTimeout().toNanos();
            DataReader original = ctx.dataReader();
            HelidonSocket socket = ctx.serverSocket();
            DataReader reader = DataReader.create(() -> {
                if (original.available() > 0) {
                    // the preface, read while telling HTTP/2 from HTTP/1.x
                    return original.readBytes(original.available());
                }
                try {
                    byte[] bytes = socket.get();
                    watch.readBy(System.nanoTime() + idle, "frame on an idle HTTP/2 connection");
                    return bytes;
                } catch (UncheckedIOException e) {
                    throw new ServerConnectionException("Failed to get data from socket", e);
                }
            });
            ServerConnection connection = http2.connection(watched.readingFrom(reader));
            watch.readBy(System.nanoTime() + idle, "frame on an idle HTTP/2 connection");
            watch.idleUnlessBusy(Duration.ofNanos(idle),
                    () -> connection instanceof InterruptableTask<?> task && !task.canInterrupt());
            return connection;
        }

        /** Whether the connection starts with HTTP/2's preface (h2c with prior knowledge); reads nothing away. */
        private static boolean startsWithPreface(DataReader reader, ClientDeadlines.Watch watch) {
            try {
                if (reader.available() == 0) {
                    watch.waitingForRequest(true);
                    reader.ensureAvailable();
                    watch.waitingForRequest(false);
                }
                while (true) {
                    int n = Math.min(reader.available(), H2_PREFACE.length);
                    BufferData data = reader.getBuffer(n);
                    for (int i = 0; i < n; i++) {
                        if (data.read() != H2_PREFACE[i]) {
                            return false;
                        }
                    }
                    if (n == H2_PREFACE.length) {
                        return true;
                    }
                    reader.pullData();
                }
            } catch (DataReader.InsufficientDataAvailableException e) {
                // closed before a request: the HTTP/1.x reader sees the end and returns
                return false;
            }
        }

        @Override
        public Duration idleTime() {
            // the deadlines end idle connections; Helidon's idle sweep is not needed here
            return Duration.ZERO;
        }

        @Override
        public void close(boolean interrupt) {
            closing = true;
            ServerConnection connection = chosen;
            if (connection instanceof InterruptableTask<?> http2 && !interrupt && !http2.canInterrupt()) {
                // HTTP/2 with streams open: Helidon's connection would stop reading frames and cut them; it is
                // told once they are answered
                Thread.ofVirtual().name("portico-http2-drain").start(() -> closeWhenIdle(connection, http2));
            } else if (connection != null) {
                connection.close(interrupt);
            } else {
                // still telling HTTP versions apart: nothing to finish
                try {
                    ctx.serverSocket().close();
                } catch (RuntimeException closedAlready) {
                    // a deadline closed it first
                }
            }
        }

        @Override
        public boolean canInterrupt() {
            return chosen instanceof InterruptableTask<?> task && task.canInterrupt();
        }

        private static void closeWhenIdle(ServerConnection connection, InterruptableTask<?> http2) {
            try {
                while (!http2.canInterrupt()) {
                    Thread.sleep(DRAIN_POLL);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            connection.close(false);
        }
    }
}
