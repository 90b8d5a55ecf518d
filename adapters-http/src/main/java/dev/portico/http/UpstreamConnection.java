package dev.portico.http;

import dev.portico.domain.model.Target;

import io.helidon.webclient.api.ClientConnection;
import io.helidon.webclient.api.TcpClientConnection;

import java.io.UncheckedIOException;
import java.net.SocketTimeoutException;
import java.time.Duration;

/**
 * One TCP (or TLS) connection to a target, lent to one exchange at a time. The webclient releases it when the
 * response is closed after its entity was read in full, and closes it otherwise, so a connection only returns to
 * the pool when the next response on it will start at a message boundary.
 */
final class UpstreamConnection {
    private static final Duration PROBE_TIMEOUT = Duration.ofMillis(1);

    private final UpstreamConnections pool;
    private final Target target;
    private TcpClientConnection tcp;
    /** Written only by the thread that holds the connection; the pool's deque publishes it to the next one. */
    private boolean reused;
    private boolean reusable = true;
    private long idleSinceNanos;

    UpstreamConnection(UpstreamConnections pool, Target target) {
        this.pool = pool;
        this.target = target;
    }

    /** Connects; throws the webclient's UncheckedIOException when the target refuses or does not answer in time. */
    UpstreamConnection connect(TcpClientConnection unconnected) {
        this.tcp = unconnected;
        tcp.connect();
        return this;
    }

    Target target() {
        return target;
    }

    /** The connection to hand to {@code HttpClientRequest.connection(...)}. */
    ClientConnection client() {
        return tcp;
    }

    /** Whether an earlier exchange used this connection: only then can a failure be a stale keep-alive connection. */
    boolean reused() {
        return reused;
    }

    /** The response is delimited by the connection's end (no Content-Length, not chunked): it cannot carry another. */
    void doNotReuse() {
        reusable = false;
    }

    /** Closes the socket; the upstream sees the connection end at once. Idempotent. */
    void close() {
        tcp.closeResource();
    }

    /** Called by the webclient when the response was fully read: back to the pool, or closed if it cannot go back. */
    boolean release() {
        if (!reusable || !tcp.isConnected()) {
            return false;
        }
        idleSinceNanos = System.nanoTime();
        reused = true;
        return pool.offer(this);
    }

    long idleNanos(long nowNanos) {
        return nowNanos - idleSinceNanos;
    }

    /**
     * Whether the peer has not closed the connection while it sat idle. A blocking socket gives no other way to see
     * a FIN than reading: a read that times out after a millisecond means the connection is open and silent; an end
     * of stream, an error, or bytes nobody asked for all mean it cannot carry a request. Apache HttpClient does the
     * same for connections idle longer than two seconds.
     */
    boolean probe() {
        try {
            tcp.readTimeout(PROBE_TIMEOUT);
            tcp.helidonSocket().get();
            return false;
        } catch (UncheckedIOException e) {
            return e.getCause() instanceof SocketTimeoutException;
        } catch (RuntimeException e) {
            return false;
        }
    }

    @Override
    public String toString() {
        return "connection " + (tcp == null ? "not connected" : tcp.channelId()) + " to " + target.url();
    }
}
