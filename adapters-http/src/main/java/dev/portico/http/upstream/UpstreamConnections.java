package dev.portico.http.upstream;

import dev.portico.domain.model.Target;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Keep-alive connections to the targets. The proxy holds each connection it uses: every failure path closes the
 * socket it was using, a retry needs to know whether the failed connection was a reused one, and a connection is
 * checked before reuse rather than watched while idle.
 *
 * <p>Connections are reused last-in first-out, so under light load the surplus ones age out; a sweeper closes
 * those idle longer than the idle timeout. The same thread is the watchdog of the connections in use: every
 * {@link #WATCH_PERIOD} it closes those whose upstream is overdue with an answer (see
 * {@link UpstreamConnection#awaitAnswerWithin}), so a route's timeout holds to within that period.
 */
public final class UpstreamConnections implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(UpstreamConnections.class.getName());
    private static final List<String> HTTP_1_1 = List.of("http/1.1");
    /** Beyond this many idle connections to one target, a released connection is closed instead. */
    public static final int MAX_IDLE_PER_TARGET = 256;
    /** A connection idle this long is probed before reuse (a millisecond's read); a fresher one is trusted. */
    public static final long PROBE_AFTER_NANOS = Duration.ofSeconds(1).toNanos();
    /** How often connections in use are checked for an overdue answer. */
    public static final Duration WATCH_PERIOD = Duration.ofMillis(10);

    private final int connectTimeoutMillis;
    private final long idleTimeoutNanos;
    /** TLS to https targets: each upstream's trusted CAs, host name verification, SNI, HTTP/1.1 by ALPN. */
    private final UpstreamTrust trust = new UpstreamTrust();
    private final Map<Target, Idle> idle = new ConcurrentHashMap<>();
    /** Every open connection, idle or in use; the watchdog skips those with nothing awaited. */
    private final Set<UpstreamConnection> open = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService sweeper;
    private volatile boolean closed;
    /**
     * The targets that take new requests; a connection to any other one is closed when released instead of kept,
     * so that a drained or removed target's connections close as its last requests finish. Null: all are kept.
     */
    private volatile Set<Target> live;
    /** Counts the changes of {@link #live}, so that a connection re-checks its target only after one. */
    private final AtomicInteger liveGeneration = new AtomicInteger(1);

    /** The idle connections to one target, most recently used first. */
    public record Idle(ConcurrentLinkedDeque<UpstreamConnection> deque, AtomicInteger size) {
        public Idle() {
            this(new ConcurrentLinkedDeque<>(), new AtomicInteger());
        }

        public UpstreamConnection poll() {
            UpstreamConnection connection = deque.pollFirst();
            if (connection != null) {
                size.decrementAndGet();
            }
            return connection;
        }

        public boolean offer(UpstreamConnection connection) {
            if (size.incrementAndGet() > MAX_IDLE_PER_TARGET) {
                size.decrementAndGet();
                return false;
            }
            deque.offerFirst(connection);
            return true;
        }

        /** Atomic against poll: only one of them gets the connection. */
        public boolean remove(UpstreamConnection connection) {
            if (deque.removeFirstOccurrence(connection)) {
                size.decrementAndGet();
                return true;
            }
            return false;
        }
    }

    public UpstreamConnections(Duration connectTimeout, Duration idleTimeout) {
        this.connectTimeoutMillis = (int) Math.clamp(connectTimeout.toMillis(), 1, Integer.MAX_VALUE);
        this.idleTimeoutNanos = idleTimeout.toNanos();
        this.sweeper = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform()
                .name("portico-upstream-sweeper").daemon(true).factory());
        long period = Math.clamp(idleTimeout.toMillis() / 2, 100, 30_000);
        sweeper.scheduleWithFixedDelay(this::closeExpired, period, period, TimeUnit.MILLISECONDS);
        long watch = WATCH_PERIOD.toNanos();
        sweeper.scheduleWithFixedDelay(this::closeOverdue, watch, watch, TimeUnit.NANOSECONDS);
    }

    /**
     * An idle connection to the target that still looks open, or a new one.
     *
     * @throws UncheckedIOException when a new connection cannot be made (refused, unreachable, timed out, TLS failed)
     */
    public UpstreamConnection acquire(Target target) {
        if (closed) {
            throw new IllegalStateException("the proxy is closed");
        }
        Idle connections = idle.get(target);
        if (connections != null) {
            UpstreamConnection connection;
            while ((connection = connections.poll()) != null) {
                long idleNanos = connection.idleNanos(System.nanoTime());
                if (idleNanos < idleTimeoutNanos && (idleNanos < PROBE_AFTER_NANOS || connection.probe())) {
                    return connection;
                }
                LOG.log(System.Logger.Level.DEBUG, "Closing {0}: idle too long or closed by the target", connection);
                connection.close();
            }
        }
        return connect(target);
    }

    /**
     * A new connection to the target, never one from the pool: for a retry after a pooled one turned out stale,
     * and for a WebSocket, whose connection belongs to it alone (it closes it rather than release it).
     *
     * @throws UncheckedIOException when it cannot be made (refused, unreachable, timed out, TLS failed)
     */
    public UpstreamConnection connectFresh(Target target) {
        if (closed) {
            throw new IllegalStateException("the proxy is closed");
        }
        return connect(target);
    }

    private UpstreamConnection connect(Target target) {
        Socket socket = new Socket();
        try {
            UpstreamConnection.configure(socket);
            InetSocketAddress address = new InetSocketAddress(target.host(), target.port());
            if (address.isUnresolved()) {
                throw new UnknownHostException(target.host());
            }
            socket.connect(address, connectTimeoutMillis);
            if ("https".equals(target.scheme())) {
                // the handshake is part of connecting, and gets the same time
                socket.setSoTimeout(connectTimeoutMillis);
                socket = trust.createSocket(target, HTTP_1_1, socket, address);
                ((javax.net.ssl.SSLSocket) socket).startHandshake();
                socket.setSoTimeout(0);
            }
            UpstreamConnection connection = new UpstreamConnection(this, target, socket);
            open.add(connection);
            if (closed) {
                connection.close();
                throw new IllegalStateException("the proxy is closed");
            }
            return connection;
        } catch (IOException | RuntimeException e) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // the connection failed already
            }
            throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
        }
    }

    /**
     * From now on keeps connections only to {@code targets}; idle ones to any other target are closed at once, those
     * in use when their request ends.
     */
    public void retainOnly(Set<Target> targets) {
        live = Set.copyOf(targets);
        liveGeneration.incrementAndGet();
        idle.forEach((target, connections) -> {
            if (!live.contains(target)) {
                UpstreamConnection connection;
                while ((connection = connections.poll()) != null) {
                    connection.close();
                }
            }
        });
    }

    /** Takes a connection back; false (and the caller closes it) when the pool is closed or full, or its target gone. */
    public boolean offer(UpstreamConnection connection) {
        // a Target's hash covers all its fields: the connection keeps what it learnt, until the configuration changes
        int generation = liveGeneration.get();
        Set<Target> targets = live;
        if (closed) {
            return false;
        }
        if (connection.liveCheckedAt() != generation) {
            connection.checkedLive(generation, targets == null || targets.contains(connection.target()));
        }
        if (!connection.live()) {
            return false;
        }
        Idle home = connection.home();
        if (home == null) {
            home = idle.computeIfAbsent(connection.target(), t -> new Idle());
            connection.home(home);
        }
        boolean kept = home.offer(connection);
        if (kept && closed) {
            // close() ran between the check and the offer and may have missed this connection
            closeAll();
        }
        return kept;
    }

    /** Open connections, idle or in use, to the target at {@code origin} ({@code scheme://host:port}). */
    public int openTo(String origin) {
        int count = 0;
        for (UpstreamConnection connection : open) {
            if (connection.target().origin().equals(origin)) {
                count++;
            }
        }
        return count;
    }

    /** Called once by a connection that closed. */
    public void closed(UpstreamConnection connection) {
        open.remove(connection);
    }

    /** The sweeper's task; an emptied deque stays in the map, as removing it could race with an offer into it. */
    private void closeExpired() {
        long now = System.nanoTime();
        try {
            idle.forEach((target, connections) -> {
                for (UpstreamConnection connection : connections.deque()) {
                    if (connection.idleNanos(now) >= idleTimeoutNanos && connections.remove(connection)) {
                        connection.close();
                    }
                }
            });
        } catch (RuntimeException e) {
            // a scheduled task that throws is never run again
            LOG.log(System.Logger.Level.WARNING, "Closing idle upstream connections failed", e);
        }
    }

    /** The watchdog's task. */
    private void closeOverdue() {
        long now = System.nanoTime();
        try {
            for (UpstreamConnection connection : open) {
                if (connection.expireIfOverdue(now)) {
                    LOG.log(System.Logger.Level.DEBUG, "Closed {0}: its upstream did not answer in time", connection);
                }
            }
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "Checking upstream connections for timeouts failed", e);
        }
    }

    private void closeAll() {
        idle.values().forEach(connections -> {
            UpstreamConnection connection;
            while ((connection = connections.poll()) != null) {
                connection.close();
            }
        });
    }

    @Override
    public void close() {
        closed = true;
        sweeper.shutdownNow();
        closeAll();
    }
}
