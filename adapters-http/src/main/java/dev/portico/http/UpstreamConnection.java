package dev.portico.http;

import dev.portico.domain.model.Target;

import io.helidon.common.buffers.BufferData;
import io.helidon.common.buffers.DataReader;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * One TCP (or TLS) connection to a target, lent to one exchange at a time. The exchange releases it once the
 * response was read in full, and closes it otherwise, so a connection only returns to the pool when the next
 * response on it will start at a message boundary.
 *
 * <p>The socket is Portico's own rather than hidden in a webclient connection: relaying a body needs to know whether
 * more of it has already arrived ({@link InputStream#available()}) without waiting for it, and to read it straight
 * into the relay buffer.
 */
final class UpstreamConnection {
    private static final int PROBE_TIMEOUT_MILLIS = 1;
    /**
     * Bytes taken from the socket per read of a response's head. Small: a small body arrives in the same read as the
     * head, and the rest of a larger one is read straight into the relay buffer, not copied through the reader.
     */
    static final int READ_SIZE = 4 * 1024;
    static final int LARGE_RELAY_BUFFER = 64 * 1024;

    private final UpstreamConnections pool;
    private final Target target;
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    /** Takes what one read brings; the supply of every reader of this connection. */
    private final Supplier<byte[]> supply = this::pull;
    /** Replaced at the start of each exchange, see {@link #beginExchange()}. */
    private DataReader reader;
    private final byte[] readBuffer = new byte[READ_SIZE];
    private final AtomicBoolean closed = new AtomicBoolean();
    /** Carries body bytes between this connection and the client, one exchange at a time. */
    private byte[] relayBuffer;
    /** Where a request's head (and a small body) is put together before its one write, one exchange at a time. */
    private final BufferData requestBuffer = BufferData.growing(512);
    /** Written only by the thread that holds the connection; the pool's deque publishes it to the next one. */
    private boolean reused;
    private boolean reusable = true;
    private long idleSinceNanos;
    /** How long the upstream may stay silent while an answer is awaited; set per exchange by its route. */
    private long timeoutNanos;
    /** When the awaited answer (or its next piece) is overdue; 0 while nothing is awaited. Read by the watchdog. */
    private volatile long deadlineNanos;
    private volatile boolean timedOut;

    /** A connected socket (TLS already negotiated for https); the socket has no read timeout, see awaitAnswerWithin. */
    UpstreamConnection(UpstreamConnections pool, Target target, Socket socket) throws IOException {
        this.pool = pool;
        this.target = target;
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
        this.reader = DataReader.create(supply);
    }

    Target target() {
        return target;
    }

    /**
     * An exchange starts: its response is read through a new reader. Helidon's DataReader keeps the chunks it read in a
     * linked list whose consumed nodes still point at the next one; once such a node has been promoted to the old
     * generation, dead, it keeps every chunk read after it alive through young collections, so all of them are
     * promoted in turn. On a connection used for thousands of exchanges that filled the old generation: a 40 ms
     * full collection every half second under a 16 KiB load (bench/NOTES.md). A reader per exchange ends the chain.
     * A reusable connection holds nothing unread between exchanges, so nothing is lost.
     */
    void beginExchange() {
        reader = DataReader.create(supply);
    }

    /** What the upstream sent and was not consumed yet; reads of the response's head go through it. */
    DataReader reader() {
        return reader;
    }

    /** The reader's supply: what one read brings, or null at the connection's end. */
    private byte[] pull() {
        try {
            int read = in.read(readBuffer, 0, READ_SIZE);
            return read < 0 ? null : Arrays.copyOf(readBuffer, read);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Body bytes into {@code buffer[from, to)}: first what the reader holds, then from the socket. Waits only when
     * nothing has arrived yet; once something has, takes just what is already there. Returns the new fill level, or
     * -1 when the connection ended before anything was read.
     */
    int readBody(byte[] buffer, int from, int to) {
        int filled = from;
        int buffered = Math.min(reader.available(), to - filled);
        if (buffered > 0) {
            reader.readBuffer(buffered).read(buffer, filled, buffered);
            filled += buffered;
        }
        try {
            if (filled == from) {
                int read = in.read(buffer, filled, to - filled);
                if (read < 0) {
                    return -1;
                }
                filled += read;
            }
            int available;
            while (filled < to && (available = in.available()) > 0) {
                filled += in.read(buffer, filled, Math.min(available, to - filled));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return filled;
    }

    /** The request buffer, emptied for the next request. */
    BufferData requestBuffer() {
        return requestBuffer.clear();
    }

    /** Writes what the buffer holds to the upstream. */
    void write(BufferData data) {
        data.writeTo(out);
    }

    void write(byte[] bytes, int offset, int length) {
        try {
            out.write(bytes, offset, length);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The relay buffer, 16 KiB; 64 KiB once a body larger than that passed, so that it takes fewer reads and writes. */
    byte[] relayBuffer(long bodyLength) {
        int size = bodyLength > RequestBody.BUFFER_SIZE ? LARGE_RELAY_BUFFER : RequestBody.BUFFER_SIZE;
        if (relayBuffer == null || relayBuffer.length < size) {
            relayBuffer = new byte[size];
        }
        return relayBuffer;
    }

    /** Whether an earlier exchange used this connection: only then can a failure be a stale keep-alive connection. */
    boolean reused() {
        return reused;
    }

    /** The response is delimited by the connection's end (no Content-Length, not chunked): it cannot carry another. */
    void doNotReuse() {
        reusable = false;
    }

    /**
     * From now on the upstream must send something within {@code timeout}, until {@link #settle()}; each later read
     * ({@link #awaiting()}) gets the same time. The socket itself has no read timeout: a timed read parks the virtual
     * thread with a timer that the JDK's scheduler thread must be woken to arm and again to cancel, on every read;
     * {@link UpstreamConnections} instead closes a connection whose deadline passed, which fails the read.
     */
    void awaitAnswerWithin(Duration timeout) {
        timeoutNanos = timeout.toNanos();
        deadlineNanos = System.nanoTime() + timeoutNanos;
    }

    /** A read from the upstream starts: it must bring something within the timeout given to awaitAnswerWithin. */
    void awaiting() {
        deadlineNanos = System.nanoTime() + timeoutNanos;
    }

    /**
     * Nothing is awaited from the upstream, e.g. while the proxy writes what it read to a client that may be slow: that
     * time is not the upstream's.
     */
    void settle() {
        deadlineNanos = 0;
    }

    /** Closes the connection if its awaited answer is overdue, failing the read that waits for it. */
    boolean expireIfOverdue(long nowNanos) {
        long deadline = deadlineNanos;
        if (deadline == 0 || nowNanos - deadline < 0) {
            return false;
        }
        timedOut = true;
        close();
        return true;
    }

    /** What a failure on this connection was: a timeout if the watchdog closed it, else what the exception says. */
    UpstreamFailure failureOf(Exception e) {
        return timedOut ? UpstreamFailure.TIMEOUT : UpstreamFailure.ofExchange(e);
    }

    /** Closes the socket; the upstream sees the connection end at once. Idempotent, from any thread. */
    void close() {
        if (closed.compareAndSet(false, true)) {
            try {
                socket.close();
            } catch (IOException e) {
                // closed either way
            }
            pool.closed(this);
        }
    }

    /** The exchange is over and its response was read to the end: back to the pool, or closed if it cannot go back. */
    void release() {
        settle();
        if (!reusable || timedOut || closed.get()) {
            close();
            return;
        }
        idleSinceNanos = System.nanoTime();
        reused = true;
        if (!pool.offer(this)) {
            close();
        }
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
            socket.setSoTimeout(PROBE_TIMEOUT_MILLIS);
            try {
                in.read();
                return false;
            } catch (SocketTimeoutException silent) {
                socket.setSoTimeout(0);
                return true;
            }
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public String toString() {
        return "connection from port " + socket.getLocalPort() + " to " + target.url();
    }

    /** Sets the options of a socket to an upstream before it connects. */
    static void configure(Socket socket) throws SocketException {
        // every write goes out as it is made: a streamed piece of a body must not wait for the next one
        socket.setTcpNoDelay(true);
        socket.setKeepAlive(true);
    }
}
