package dev.portico.http.client;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Ends client connections that overstay: each connection is {@link Watch watched} with a read deadline (the request
 * head, the next piece of a body, keep-alive) and a write deadline (a client that stops reading), and one thread
 * closes the socket of any connection past either. Closing is the only way to end a blocking read or write from
 * outside, and works the same before and after the TLS handshake and for both HTTP versions; the connection's own
 * thread then fails on its next read or write and ends as when a client hangs up. A scan of every watched connection
 * costs a few microseconds per thousand, so it runs at a tenth of the shortest timeout and at least four times a
 * second, which is how late a deadline may be acted on.
 */
public final class ClientDeadlines implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ClientDeadlines.class.getName());
    private static final long NONE = Long.MAX_VALUE;

    private final Set<Watch> watched = ConcurrentHashMap.newKeySet();
    private final long tickNanos;
    private final Thread reaper;
    private volatile boolean closed;

    public ClientDeadlines(Duration shortestTimeout) {
        this.tickNanos = Math.clamp(shortestTimeout.toNanos() / 10, Duration.ofMillis(5).toNanos(),
                Duration.ofMillis(250).toNanos());
        this.reaper = Thread.ofPlatform().name("portico-client-deadlines").daemon(true).start(this::run);
    }

    /**
     * Watches a connection from now on; its first read must end by {@code readBy}.
     *
     * @param close    ends the connection's socket at once, whoever is blocked on it (never waits for a lock)
     * @param ended    told once when the watch ends, by the connection or by a deadline
     */
    public Watch watch(long readBy, Runnable close, Consumer<Watch> ended) {
        Watch watch = new Watch(readBy, close, ended);
        watched.add(watch);
        return watch;
    }

    public int watchedCount() {
        return watched.size();
    }

    private void run() {
        while (!closed) {
            try {
                Thread.sleep(Duration.ofNanos(tickNanos));
            } catch (InterruptedException e) {
                return;
            }
            long now = System.nanoTime();
            for (Watch watch : watched) {
                watch.check(now);
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        reaper.interrupt();
    }

    /** The deadlines of one client connection. Its own thread sets them; the reaper reads them. */
    public final class Watch {
        private final Runnable close;
        private final Consumer<Watch> ended;
        private final AtomicBoolean over = new AtomicBoolean();
        private volatile boolean waitingForRequest = true;
        private volatile long readBy;
        private volatile long writeBy = NONE;
        private volatile String reading = "the request head";
        /** HTTP/2: whether a stream is open, in which case an idle read deadline is only pushed back. */
        private volatile BooleanSupplier busy;
        private volatile long idleNanos;
        /** Something else that shows the connection is gone (a failed TLS handshake), checked at each scan. */
        private volatile BooleanSupplier gone;

        private Watch(long readBy, Runnable close, Consumer<Watch> ended) {
            this.readBy = readBy;
            this.close = close;
            this.ended = ended;
        }

        /**
         * Says whether the connection waits for a request of which nothing has come yet (true from its start until its
         * first byte): then it holds nothing of anyone's, and may be closed to make room for a new connection (nginx's
         * reusable connections). A flag, not a set: this is said twice per request, and only a full listener looks.
         */
        public void waitingForRequest(boolean waiting) {
            waitingForRequest = waiting;
        }

        public boolean waitingForRequest() {
            return waitingForRequest && !over.get();
        }

        /** Closes the connection now, as a deadline would. */
        public void closeNow(String why) {
            expire(why);
        }

        /** The next read must end by {@code deadline} (System.nanoTime); {@code what} names it in the log. */
        public void readBy(long deadline, String what) {
            reading = what;
            readBy = deadline;
        }

        /** No read is awaited (the request is with the upstream). */
        public void notReading() {
            readBy = NONE;
        }

        public void writeBy(long deadline) {
            writeBy = deadline;
        }

        public void notWriting() {
            writeBy = NONE;
        }

        /**
         * HTTP/2: reads are idle waits of {@code idle}; a connection with a stream open gets another {@code idle}
         * instead of being closed, since its client may rightly be silent while the upstream works.
         */
        public void idleUnlessBusy(Duration idle, BooleanSupplier busy) {
            this.idleNanos = idle.toNanos();
            this.busy = busy;
        }

        /** Ends the watch early when {@code gone} says the connection is over (checked at each scan). */
        public void endWhen(BooleanSupplier gone) {
            this.gone = gone;
        }

        /** The connection ended: no deadline applies any more. Idempotent. */
        public void end() {
            if (over.compareAndSet(false, true)) {
                watched.remove(this);
                ended.accept(this);
            }
        }

        private void check(long now) {
            BooleanSupplier goneCheck = gone;
            if (goneCheck != null && goneCheck.getAsBoolean()) {
                end();
                return;
            }
            long read = readBy;
            long write = writeBy;
            if (now - write >= 0 && write != NONE) {
                expire("a write to the client blocked past the send timeout");
            } else if (now - read >= 0 && read != NONE) {
                BooleanSupplier streams = busy;
                if (streams != null && streams.getAsBoolean()) {
                    // compare-and-set in spirit: a read that just moved the deadline wins over this push
                    if (readBy == read) {
                        readBy = now + idleNanos;
                    }
                } else {
                    expire("no " + reading + " in time");
                }
            }
        }

        private void expire(String why) {
            if (LOG.isLoggable(Level.DEBUG)) {
                LOG.log(Level.DEBUG, "Closing a client connection: " + why);
            }
            try {
                close.run();
            } catch (RuntimeException e) {
                LOG.log(Level.DEBUG, "Closing an overdue client connection failed: " + e);
            }
            end();
        }
    }
}
