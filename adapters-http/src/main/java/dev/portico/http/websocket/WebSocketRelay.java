package dev.portico.http.websocket;

import dev.portico.domain.balancing.Lease;
import dev.portico.domain.health.RequestOutcome;
import dev.portico.domain.model.Target;
import dev.portico.http.observe.ExchangeRecord;
import dev.portico.http.upstream.RequestBody;
import dev.portico.http.upstream.UpstreamConnection;

import io.helidon.common.buffers.BufferData;
import io.helidon.common.buffers.DataReader;
import io.helidon.common.concurrency.limits.Limit;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.spi.ServerConnection;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One proxied WebSocket after its 101: the client's connection and a connection of its own to the target, their bytes
 * copied both ways on two virtual threads until either side ends, which ends the other.
 *
 * <p>A byte relay, not a WebSocket server and client in the middle: frames pass unchanged by construction, extensions
 * included, and nothing is held per message (why, measured: bench/NOTES.md, "WebSocket relay").
 *
 * <p>Portico speaks WebSocket itself only to say goodbye: when the route is deleted, the target drained or removed,
 * or the pair was idle too long, it sends a close frame 1001 (going away) to both sides. {@link WebSocketFrames}
 * tracks where frames end in each direction so that the close frame goes between two frames, never into one; from
 * then on that direction's bytes are dropped, and both connections are closed once either peer ends its connection,
 * or after {@link #CLOSE_GRACE} at the latest.
 */
public final class WebSocketRelay implements ServerConnection {
    private static final System.Logger LOG = System.getLogger(WebSocketRelay.class.getName());
    /** How long the peers get to finish the close handshake Portico started before both connections are cut. */
    public static final Duration CLOSE_GRACE = Duration.ofSeconds(2);
    public static final int GOING_AWAY = 1001;

    private final WebSocketProxy proxy;
    private final ConnectionContext client;
    private final UpstreamConnection upstream;
    private final Opened opened;
    /** Its bytes in (from the client thread) and out (from the upstream thread); read once both have ended. */
    private final ExchangeRecord record;
    private final Sink toClient;
    private final Sink toUpstream;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicReference<String> goingAway = new AtomicReference<>();
    private volatile long lastActivityNanos = System.nanoTime();

    /**
     * What the pair was opened for, re-checked when the routing table changes.
     *
     * @param host        the client's Host header, or null
     * @param idleTimeout how long the pair may stay silent in both directions
     */
    public record Opened(String routeName, String host, String rawPath, Target target, Duration idleTimeout, Lease lease) {
    }

    public WebSocketRelay(WebSocketProxy proxy, ConnectionContext client, UpstreamConnection upstream, Opened opened,
                          ExchangeRecord record) {
        this.proxy = proxy;
        this.record = record;
        this.client = client;
        this.upstream = upstream;
        this.opened = opened;
        this.toClient = new Sink(true) {
            @Override
            public void write(byte[] bytes, int offset, int length) {
                client.dataWriter().writeNow(BufferData.create(bytes, offset, length));
            }
        };
        this.toUpstream = new Sink(false) {
            @Override
            public void write(byte[] bytes, int offset, int length) {
                upstream.write(bytes, offset, length);
            }
        };
    }

    public Opened opened() {
        return opened;
    }

    @Override
    public void handle(Limit limit) throws InterruptedException {
        proxy.opened(this);
        Thread fromUpstream = Thread.ofVirtual().name("portico-ws-upstream-" + client.socketId())
                .start(this::relayFromUpstream);
        try {
            relayFromClient();
        } finally {
            closeBoth();
            try {
                fromUpstream.join();
            } finally {
                // the socket counted as one request in flight on its target, for its whole life
                opened.lease().release(RequestOutcome.SUCCESS);
                proxy.closed(this);
            }
        }
    }

    private void relayFromClient() {
        DataReader reader = client.dataReader();
        byte[] buffer = new byte[RequestBody.BUFFER_SIZE];
        try {
            while (true) {
                BufferData data = reader.readBuffer();
                lastActivityNanos = System.nanoTime();
                int available;
                while ((available = data.available()) > 0) {
                    int read = data.read(buffer, 0, Math.min(buffer.length, available));
                    record.addBytesIn(read);
                    toUpstream.forward(buffer, read);
                }
            }
        } catch (DataReader.InsufficientDataAvailableException end) {
            LOG.log(Level.DEBUG, "WebSocket client closed its connection ({0})", this);
        } catch (RuntimeException e) {
            ended("client side", e);
        }
    }

    private void relayFromUpstream() {
        byte[] buffer = upstream.relayBuffer(0);
        try {
            int read;
            while ((read = upstream.readBody(buffer, 0, buffer.length)) >= 0) {
                lastActivityNanos = System.nanoTime();
                record.addBytesOut(read);
                toClient.forward(buffer, read);
            }
            LOG.log(Level.DEBUG, "WebSocket target closed its connection ({0})", this);
        } catch (RuntimeException e) {
            ended("target side", e);
        } finally {
            closeBoth();
        }
    }

    private void ended(String side, RuntimeException e) {
        // once either connection is closed the other relay thread fails reading or writing: that is how it ends
        if (!closed.get()) {
            LOG.log(Level.DEBUG, "WebSocket " + side + " failed (" + this + "): " + e);
        }
    }

    /** Nanoseconds since the last bytes arrived from either side. */
    public long idleNanos(long nowNanos) {
        return nowNanos - lastActivityNanos;
    }

    public boolean isClosed() {
        return closed.get();
    }

    /**
     * Sends a close frame 1001 with {@code reason} to both sides (each between two frames), drops what either sends
     * afterwards, and closes both connections after {@link #CLOSE_GRACE} if the peers have not by then. Blocks while
     * a peer does not take the close frame; call it on a thread of its own.
     */
    public void goAway(String reason) {
        if (closed.get() || !goingAway.compareAndSet(null, reason)) {
            return;
        }
        LOG.log(Level.DEBUG, "Closing WebSocket ({0}): {1}", this, reason);
        proxy.closeLater(this, CLOSE_GRACE);
        try {
            toClient.closeIfBetweenFrames(reason);
            toUpstream.closeIfBetweenFrames(reason);
        } catch (RuntimeException e) {
            closeBoth();
        }
    }

    /** Closes both connections at once; each relay thread ends on its next read or write. */
    public void closeBoth() {
        if (closed.compareAndSet(false, true)) {
            upstream.close();
            try {
                client.serverSocket().close();
            } catch (RuntimeException e) {
                LOG.log(Level.DEBUG, "Closing the WebSocket client connection failed", e);
            }
        }
    }

    /** Helidon's own idle timeout does not apply: the route's WebSocket idle timeout does (WebSocketProxy). */
    @Override
    public Duration idleTime() {
        return Duration.ZERO;
    }

    /** The server stops. */
    @Override
    public void close(boolean interrupt) {
        closeBoth();
    }

    @Override
    public String toString() {
        return "WebSocket " + opened.rawPath() + " via route '" + opened.routeName() + "' to "
                + opened.target().url();
    }

    /** One direction: what is written towards one peer, under a lock shared with Portico's own close frame. */
    private abstract class Sink {
        private final ReentrantLock lock = new ReentrantLock();
        private final WebSocketFrames frames = new WebSocketFrames();
        /** Whether the frames go to the client, i.e. come from the server and are unmasked. */
        private final boolean towardsClient;
        private boolean closeSent;

        public Sink(boolean towardsClient) {
            this.towardsClient = towardsClient;
        }

        public abstract void write(byte[] bytes, int offset, int length);

        /**
         * Copies the bytes on, a frame at a time, so that a pending close frame goes in at the first boundary. Once
         * Portico is going away, no frame that starts afterwards is passed on: what a peer sends then may be its
         * answer to Portico's own close frame, which must not reach the other peer as if it were that peer's close.
         */
        public void forward(byte[] bytes, int length) {
            int at = 0;
            while (at < length) {
                lock.lock();
                try {
                    boolean frameStarts = frames.atBoundary();
                    int frame = frames.consume(bytes, at, length);
                    if (!closeSent) {
                        if (goingAway.get() != null && frameStarts) {
                            sendClose(goingAway.get());
                        } else {
                            write(bytes, at, frame);
                            String reason = goingAway.get();
                            if (reason != null && frames.atBoundary()) {
                                sendClose(reason);
                            }
                        }
                    }
                    at += frame;
                } finally {
                    lock.unlock();
                }
            }
        }

        public void closeIfBetweenFrames(String reason) {
            lock.lock();
            try {
                if (!closeSent && frames.atBoundary()) {
                    sendClose(reason);
                }
            } finally {
                lock.unlock();
            }
        }

        private void sendClose(String reason) {
            closeSent = true;
            byte[] frame = towardsClient ? WebSocketFrames.serverClose(GOING_AWAY, reason)
                    : WebSocketFrames.clientClose(GOING_AWAY, reason);
            write(frame, 0, frame.length);
        }
    }
}
