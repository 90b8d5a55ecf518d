package dev.portico.http;

import dev.portico.domain.model.Target;

import io.helidon.common.tls.Tls;
import io.helidon.webclient.api.ConnectionKey;
import io.helidon.webclient.api.Proxy;
import io.helidon.webclient.api.TcpClientConnection;
import io.helidon.webclient.api.WebClient;
import io.helidon.webclient.api.WebClientConfig;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Keep-alive connections to the targets, kept here rather than in the webclient's cache because the proxy must
 * hold each connection it uses: every failure path closes the socket it was using (the webclient's cache leaves a
 * connection that failed mid-request neither closed nor pooled), a retry needs to know whether the failed
 * connection was a reused one, and a connection is checked before reuse instead of by Helidon's idle monitor (a
 * virtual thread per released connection whose read-timeout bookkeeping can fail a slow request on a reused
 * connection).
 *
 * <p>Connections are reused last-in first-out, so under light load the surplus ones age out; a sweeper closes
 * those idle longer than the idle timeout.
 */
final class UpstreamConnections implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(UpstreamConnections.class.getName());
    private static final List<String> HTTP_1_1 = List.of("http/1.1");
    private static final Tls NO_TLS = Tls.builder().enabled(false).build();
    /** Beyond this many idle connections to one target, a released connection is closed instead. */
    static final int MAX_IDLE_PER_TARGET = 256;
    /** A connection idle this long is probed before reuse (a millisecond's read); a fresher one is trusted. */
    static final long PROBE_AFTER_NANOS = Duration.ofSeconds(1).toNanos();

    private final WebClient webClient;
    private final long idleTimeoutNanos;
    private final Map<Target, LinkedBlockingDeque<UpstreamConnection>> idle = new ConcurrentHashMap<>();
    private final ScheduledExecutorService sweeper;
    private volatile boolean closed;

    UpstreamConnections(WebClient webClient, Duration idleTimeout) {
        this.webClient = webClient;
        this.idleTimeoutNanos = idleTimeout.toNanos();
        this.sweeper = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform()
                .name("portico-upstream-sweeper").daemon(true).factory());
        long period = Math.clamp(idleTimeout.toMillis() / 2, 100, 30_000);
        sweeper.scheduleWithFixedDelay(this::closeExpired, period, period, TimeUnit.MILLISECONDS);
    }

    /**
     * An idle connection to the target that still looks open, or a new one.
     *
     * @throws java.io.UncheckedIOException when a new connection cannot be made (refused, unreachable, timed out)
     */
    UpstreamConnection acquire(Target target) {
        if (closed) {
            throw new IllegalStateException("the proxy is closed");
        }
        LinkedBlockingDeque<UpstreamConnection> deque = idle.get(target);
        if (deque != null) {
            UpstreamConnection connection;
            while ((connection = deque.pollFirst()) != null) {
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

    private UpstreamConnection connect(Target target) {
        WebClientConfig config = webClient.prototype();
        boolean https = "https".equals(target.scheme());
        ConnectionKey key = ConnectionKey.create(target.scheme(), target.host(), target.port(),
                https ? config.tls() : NO_TLS, config.dnsResolver(), config.dnsAddressLookup(), Proxy.noProxy());
        UpstreamConnection connection = new UpstreamConnection(this, target);
        return connection.connect(TcpClientConnection.create(webClient, key, HTTP_1_1,
                tcp -> connection.release(), tcp -> { }));
    }

    /** Takes a connection back; false (and the caller closes it) when the pool is closed or full. */
    boolean offer(UpstreamConnection connection) {
        if (closed) {
            return false;
        }
        boolean kept = idle.computeIfAbsent(connection.target(),
                t -> new LinkedBlockingDeque<>(MAX_IDLE_PER_TARGET)).offerFirst(connection);
        if (kept && closed) {
            // close() ran between the check and the offer and may have missed this connection
            closeAll();
        }
        return kept;
    }

    /** The sweeper's task; an emptied deque stays in the map, as removing it could race with an offer into it. */
    private void closeExpired() {
        long now = System.nanoTime();
        try {
            idle.forEach((target, deque) -> {
                for (UpstreamConnection connection : deque) {
                    // removeFirstOccurrence is atomic against acquire's poll: only one of them gets the connection
                    if (connection.idleNanos(now) >= idleTimeoutNanos && deque.removeFirstOccurrence(connection)) {
                        connection.close();
                    }
                }
            });
        } catch (RuntimeException e) {
            // a scheduled task that throws is never run again
            LOG.log(System.Logger.Level.WARNING, "Closing idle upstream connections failed", e);
        }
    }

    private void closeAll() {
        idle.values().forEach(deque -> {
            UpstreamConnection connection;
            while ((connection = deque.pollFirst()) != null) {
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
