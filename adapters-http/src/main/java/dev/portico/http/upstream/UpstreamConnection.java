package dev.portico.http.upstream;

import dev.portico.domain.model.Target;
import dev.portico.http.wire.HeadWriter;
import dev.portico.http.wire.ResponseHead;

import java.io.EOFException;
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

/**
 * One TCP (or TLS) connection to a target, lent to one exchange at a time. The exchange releases it once the
 * response was read in full, and closes it otherwise, so a connection only returns to the pool when the next
 * response on it will start at a message boundary.
 *
 * <p>The socket is Portico's own rather than hidden in a webclient connection: relaying a body needs to know whether
 * more of it has already arrived ({@link InputStream#available()}) without waiting for it, and to read it straight
 * into the connection's buffer. Everything the upstream sends lands in that one buffer: the response's head is parsed
 * where it was read ({@link ResponseHead}) and the body is written to the client from it, with room kept in front
 * of it for the client's head ({@link #HEADROOM}) so that head and body leave in one write.
 */
public final class UpstreamConnection {
    private static final int PROBE_TIMEOUT_MILLIS = 1;
    /**
     * Bytes kept free in front of what is read: the client's status line and headers (or a chunk's size line) are put
     * there, just before the body bytes they precede, and go out with them in one write.
     */
    public static final int HEADROOM = 1024;
    /**
     * Bytes never read into at the end of the buffer: after a piece taken with everything buffered, there is room for
     * the end of a chunk (and the last chunk) that the client's chunked framing puts right after it.
     */
    public static final int TAILROOM = 8;
    /** Takes a whole head (at most {@link ResponseHead#MAX_HEADERS_SIZE}) with a 16 KiB body, in one read. */
    public static final int BUFFER_SIZE = 24 * 1024;
    /** Once a body larger than 16 KiB passed: fewer reads and writes per megabyte. */
    public static final int LARGE_BUFFER_SIZE = 64 * 1024;
    private static final int MAX_HEAD = ResponseHead.MAX_STATUS_LINE + ResponseHead.MAX_HEADERS_SIZE;

    private final UpstreamConnections pool;
    private final Target target;
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final AtomicBoolean closed = new AtomicBoolean();
    /** What the upstream sent, from {@link #HEADROOM}; unread bytes are {@code [pos, end)}. One exchange at a time. */
    private byte[] buffer = new byte[HEADROOM + BUFFER_SIZE];
    private int pos = HEADROOM;
    private int end = HEADROOM;
    private final ResponseHead head = new ResponseHead();
    /** Where the client's head is put together, one exchange at a time. */
    private final HeadWriter clientHead = new HeadWriter(512);
    /** Where a request's head (and a small body) is put together before its one write, one exchange at a time. */
    private final HeadWriter requestHead = new HeadWriter(512);
    /** Written only by the thread that holds the connection; the pool's deque publishes it to the next one. */
    private boolean reused;
    /** The pool's idle connections to this target, which this returns to; found once. */
    private UpstreamConnections.Idle home;
    /** Whether the target still takes new requests, as of the pool's configuration generation {@link #liveCheckedAt}. */
    private boolean live;
    private int liveCheckedAt;
    private boolean reusable = true;
    private long idleSinceNanos;
    /** How long the upstream may stay silent while an answer is awaited; set per exchange by its route. */
    private long timeoutNanos;
    /** When the awaited answer (or its next piece) is overdue; 0 while nothing is awaited. Read by the watchdog. */
    private volatile long deadlineNanos;
    private volatile boolean timedOut;

    /** A connected socket (TLS already negotiated for https); the socket has no read timeout, see awaitAnswerWithin. */
    public UpstreamConnection(UpstreamConnections pool, Target target, Socket socket) throws IOException {
        this.pool = pool;
        this.target = target;
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    public Target target() {
        return target;
    }

    /**
     * An exchange starts with an empty buffer. A reusable connection holds nothing unread between exchanges (a response
     * read in full ends where the next one starts), so nothing is lost.
     */
    public void beginExchange() {
        pos = HEADROOM;
        end = HEADROOM;
    }

    /**
     * Reads the next response's status line and header section, parsed; the bytes that followed it stay buffered.
     *
     * @throws UncheckedIOException  when the connection ends or fails first
     * @throws IllegalStateException when what arrives is not an HTTP/1.x response head Portico can relay
     */
    public ResponseHead readHead() {
        // a head usually arrives whole with the first read: parsed at once; otherwise parsed again only once its end
        // (an empty line) may have arrived, so that a head trickling in is not parsed over and over
        boolean parsed = false;
        boolean statusLineChecked = false;
        int searchFrom = pos;
        while (true) {
            int held = end - pos;
            // parsed also once a status line's worth arrived, which fails at once what does not start like HTTP
            if (held > 0 && (!parsed || headEnds(searchFrom)
                    || (!statusLineChecked && held >= ResponseHead.MAX_STATUS_LINE))) {
                parsed = true;
                statusLineChecked = held >= ResponseHead.MAX_STATUS_LINE;
                int headEnd = head.parse(buffer, pos, end);
                if (headEnd >= 0) {
                    pos = headEnd;
                    return head;
                }
            }
            if (held >= MAX_HEAD) {
                throw new IllegalStateException("response header section larger than "
                        + ResponseHead.MAX_HEADERS_SIZE + " bytes");
            }
            searchFrom = Math.max(pos, end - 3) - pos;
            compactIfFull();
            searchFrom += pos;
            if (fill() < 0) {
                throw new UncheckedIOException(new EOFException("the connection ended before a complete response head"));
            }
        }
    }

    /** Whether an empty line ends somewhere in {@code [from, end)}. */
    private boolean headEnds(int from) {
        byte[] b = buffer;
        for (int i = from; i + 3 < end; i++) {
            if (b[i + 3] == '\n' && b[i + 2] == '\r' && b[i + 1] == '\n' && b[i] == '\r') {
                return true;
            }
        }
        return false;
    }

    /** Moves what is unread back to the start of the buffer when there is no room left after it. */
    private void compactIfFull() {
        if (end == buffer.length - TAILROOM) {
            int held = end - pos;
            System.arraycopy(buffer, pos, buffer, HEADROOM, held);
            pos = HEADROOM;
            end = HEADROOM + held;
        }
    }

    /** One read into the buffer after what it holds, waiting until something arrives; -1 at the connection's end. */
    private int fill() {
        try {
            int read = in.read(buffer, end, buffer.length - TAILROOM - end);
            if (read > 0) {
                end += read;
            }
            return read;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads, without waiting, what has already arrived, while there is room. */
    private void fillArrived(int until) {
        try {
            int available;
            while (end < until && (available = in.available()) > 0) {
                int read = in.read(buffer, end, Math.min(available, until - end));
                if (read < 0) {
                    return;
                }
                end += read;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The buffer the pieces of a body are read into; see {@link #piece(long)}. */
    public byte[] buffer() {
        return buffer;
    }

    /** Where the last piece starts in {@link #buffer()}. */
    public int pieceStart() {
        return pieceStart;
    }

    private int pieceStart;

    /**
     * The next piece of a body, at most {@code max} bytes, at {@link #pieceStart()} in {@link #buffer()}: what is
     * buffered, with whatever else has already arrived; only when nothing is buffered does it wait, for one read. What
     * an earlier piece left in the buffer is gone. Returns its length, or -1 at the connection's end.
     */
    public int piece(long max) {
        if (pos == end) {
            pos = HEADROOM;
            end = HEADROOM;
            if (fill() < 0) {
                return -1;
            }
        }
        if (end - pos < max) {
            fillArrived(pos + (int) Math.min(max, buffer.length - TAILROOM - pos));
        }
        int length = (int) Math.min(end - pos, max);
        pieceStart = pos;
        pos += length;
        return length;
    }

    /**
     * The length of the line starting at the read position (up to its CRLF, which stays unread), reading more as
     * needed; {@code max} when no CRLF comes within {@code max} bytes.
     */
    public int lineLength(int max) {
        int searched = 0;
        while (true) {
            for (int i = pos + searched; i + 1 < end && i - pos < max; i++) {
                if (buffer[i] == '\r' && buffer[i + 1] == '\n') {
                    return i - pos;
                }
            }
            if (end - pos >= max + 1) {
                return max;
            }
            searched = Math.max(0, end - pos - 1);
            compactIfFull();
            if (fill() < 0) {
                throw new UncheckedIOException(new EOFException("the connection ended within a line"));
            }
        }
    }

    /** At least {@code count} unread bytes buffered, reading as needed. */
    public void require(int count) {
        while (end - pos < count) {
            compactIfFull();
            if (fill() < 0) {
                throw new UncheckedIOException(new EOFException("the connection ended early"));
            }
        }
    }

    /** The read position in {@link #buffer()}. */
    public int position() {
        return pos;
    }

    /** Bytes buffered and not read yet. */
    public int buffered() {
        return end - pos;
    }

    public void skip(int count) {
        pos += count;
    }

    /** Where the client's head is put together; emptied. */
    public HeadWriter clientHead() {
        return clientHead.clear();
    }

    /**
     * Bytes into {@code into[from, to)}: first what is buffered, then from the socket. Waits only when nothing has
     * arrived yet; once something has, takes just what is already there. Returns the new fill level, or -1 when the
     * connection ended before anything was read. {@code into} may be {@link #buffer()} itself.
     */
    public int readBody(byte[] into, int from, int to) {
        int filled = from;
        int buffered = Math.min(end - pos, to - filled);
        if (buffered > 0) {
            System.arraycopy(buffer, pos, into, filled, buffered);
            pos += buffered;
            filled += buffered;
        }
        try {
            if (filled == from) {
                int read = in.read(into, filled, to - filled);
                if (read < 0) {
                    return -1;
                }
                filled += read;
            }
            int available;
            while (filled < to && (available = in.available()) > 0) {
                filled += in.read(into, filled, Math.min(available, to - filled));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return filled;
    }

    /** Where a request's head is put together, emptied for the next request. */
    public HeadWriter requestHead() {
        return requestHead.clear();
    }

    /** Writes what the head writer holds to the upstream. */
    public void write(HeadWriter head) {
        write(head.array(), 0, head.length());
    }

    public void write(byte[] bytes, int offset, int length) {
        try {
            out.write(bytes, offset, length);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The connection's buffer, for a request body on its way to the upstream (before the response is read) and a
     * WebSocket's frames: grown to {@link #LARGE_BUFFER_SIZE} once a body larger than 16 KiB passes, so that it takes
     * fewer reads and writes. What it holds unread stays where it was.
     */
    public byte[] relayBuffer(long bodyLength) {
        if (bodyLength > RequestBody.BUFFER_SIZE && buffer.length < HEADROOM + LARGE_BUFFER_SIZE) {
            buffer = Arrays.copyOf(buffer, HEADROOM + LARGE_BUFFER_SIZE);
        }
        return buffer;
    }

    /** Whether an earlier exchange used this connection: only then can a failure be a stale keep-alive connection. */
    public boolean reused() {
        return reused;
    }

    /** The response is delimited by the connection's end (no Content-Length, not chunked): it cannot carry another. */
    public void doNotReuse() {
        reusable = false;
    }

    /**
     * From now on the upstream must send something within {@code timeout}, until {@link #settle()}; each later read
     * ({@link #awaiting()}) gets the same time. The socket itself has no read timeout: a timed read parks the virtual
     * thread with a timer that the JDK's scheduler thread must be woken to arm and again to cancel, on every read;
     * {@link UpstreamConnections} instead closes a connection whose deadline passed, which fails the read.
     */
    public void awaitAnswerWithin(Duration timeout) {
        timeoutNanos = timeout.toNanos();
        deadlineNanos = System.nanoTime() + timeoutNanos;
    }

    /** A read from the upstream starts: it must bring something within the timeout given to awaitAnswerWithin. */
    public void awaiting() {
        deadlineNanos = System.nanoTime() + timeoutNanos;
    }

    /**
     * Nothing is awaited from the upstream, e.g. while the proxy writes what it read to a client that may be slow: that
     * time is not the upstream's.
     */
    public void settle() {
        deadlineNanos = 0;
    }

    /** Closes the connection if its awaited answer is overdue, failing the read that waits for it. */
    public boolean expireIfOverdue(long nowNanos) {
        long deadline = deadlineNanos;
        if (deadline == 0 || nowNanos - deadline < 0) {
            return false;
        }
        timedOut = true;
        close();
        return true;
    }

    /** What a failure on this connection was: a timeout if the watchdog closed it, else what the exception says. */
    public UpstreamFailure failureOf(Exception e) {
        return timedOut ? UpstreamFailure.TIMEOUT : UpstreamFailure.ofExchange(e);
    }

    /** Closes the socket; the upstream sees the connection end at once. Idempotent, from any thread. */
    public void close() {
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
    public void release() {
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

    public UpstreamConnections.Idle home() {
        return home;
    }

    public void home(UpstreamConnections.Idle idle) {
        home = idle;
    }

    public boolean live() {
        return live;
    }

    public int liveCheckedAt() {
        return liveCheckedAt;
    }

    public void checkedLive(int generation, boolean stillLive) {
        liveCheckedAt = generation;
        live = stillLive;
    }

    public long idleNanos(long nowNanos) {
        return nowNanos - idleSinceNanos;
    }

    /**
     * Whether the peer has not closed the connection while it sat idle. A blocking socket gives no other way to see
     * a FIN than reading: a read that times out after a millisecond means the connection is open and silent; an end
     * of stream, an error, or bytes nobody asked for all mean it cannot carry a request. Apache HttpClient does the
     * same for connections idle longer than two seconds.
     */
    public boolean probe() {
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
    public static void configure(Socket socket) throws SocketException {
        // every write goes out as it is made: a streamed piece of a body must not wait for the next one
        socket.setTcpNoDelay(true);
        socket.setKeepAlive(true);
    }
}
