package dev.portico.http.observe;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The access log: one line per exchange, formatted and written by a thread of its own, which the request's thread hands
 * the ended exchange through a bounded queue. When the output cannot keep up (a slow or full disk, a stalled pipe)
 * exchanges are dropped and counted, and requests are never slowed: a proxy that waited for its log would go down with
 * the disk. The writer is never woken per exchange (a wake-up per request cost more than its line): it looks at the
 * queue every few milliseconds, formats what is there into one reused buffer and writes it in one system call, so that
 * a line allocates nothing (bench/NOTES.md). A file is opened by its path again on {@link #reopen()} (SIGHUP), as
 * logrotate's {@code create} mode expects.
 */
public final class AccessLog implements ExchangeSink, AutoCloseable {
    private static final System.Logger LOG = System.getLogger(AccessLog.class.getName());
    /** Exchanges held while the output is slower than the requests: a few MiB. */
    public static final int DEFAULT_CAPACITY = 8192;
    /** How long the writer sleeps when it found nothing to write. */
    private static final long PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
    /** What one write carries, about. */
    private static final int BATCH_CHARS = 48 * 1024;

    private final AccessLogFormat format;
    private final Path file;
    private final Queue<ExchangeRecord> exchanges = new ConcurrentLinkedQueue<>();
    private final int capacity;
    private final AtomicInteger queued = new AtomicInteger();
    private final StringBuilder text = new StringBuilder(BATCH_CHARS + 4096);
    private final AtomicLong dropped = new AtomicLong();
    private final Thread writer;
    private volatile boolean reopen;
    private volatile boolean closed;
    private WritableByteChannel out;
    private boolean failing;

    private AccessLog(AccessLogFormat format, Path file, int capacity) {
        this.format = format;
        this.file = file;
        this.capacity = capacity;
        this.writer = Thread.ofPlatform().daemon().name("portico-access-log").start(this::writeLines);
    }

    /** To the process's standard output, which journald or a container runtime collects. */
    public static AccessLog toStandardOutput(AccessLogFormat format) {
        return new AccessLog(format, null, DEFAULT_CAPACITY);
    }

    /** Appended to a file, created when missing. */
    public static AccessLog toFile(Path file, AccessLogFormat format) {
        return toFile(file, format, DEFAULT_CAPACITY);
    }

    static AccessLog toFile(Path file, AccessLogFormat format, int capacity) {
        return new AccessLog(format, file, capacity);
    }

    @Override
    public boolean wantsDetails() {
        return true;
    }

    @Override
    public void completed(ExchangeRecord exchange) {
        if (closed || queued.incrementAndGet() > capacity) {
            queued.decrementAndGet();
            dropped.incrementAndGet();
            return;
        }
        exchanges.add(exchange);
    }

    /** Lines dropped because the output could not keep up or failed. */
    public long dropped() {
        return dropped.get();
    }

    /** Opens the file by its path again before the next line (after logrotate moved it). */
    public void reopen() {
        reopen = true;
    }

    private void writeLines() {
        while (!closed || !exchanges.isEmpty()) {
            if (reopen) {
                reopen = false;
                closeOutput();
            }
            int taken = 0;
            for (ExchangeRecord exchange; (exchange = exchanges.poll()) != null; ) {
                queued.decrementAndGet();
                format.format(exchange, text);
                taken++;
                if (text.length() >= BATCH_CHARS) {
                    write(taken);
                    taken = 0;
                }
            }
            if (taken > 0) {
                write(taken);
            } else if (!closed) {
                LockSupport.parkNanos(PAUSE_NANOS);
            }
        }
        closeOutput();
    }

    /** Writes the text's {@code lines} lines, then empties it; they are dropped and counted if the output fails. */
    private void write(int lines) {
        ByteBuffer bytes = ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8));
        text.setLength(0);
        if (text.capacity() > 4 * BATCH_CHARS) {
            // after a batch of very long lines: give the memory back
            text.trimToSize();
        }
        try {
            if (out == null) {
                out = open();
            }
            while (bytes.hasRemaining()) {
                out.write(bytes);
            }
            if (failing) {
                failing = false;
                LOG.log(Level.INFO, "The access log is written again ({0} lines dropped so far)", dropped.get());
            }
        } catch (IOException e) {
            dropped.addAndGet(lines);
            closeOutput();
            if (!failing) {
                failing = true;
                LOG.log(Level.WARNING, "Cannot write the access log to {0} ({1}); dropping lines until it can be",
                        file == null ? "standard output" : file, e.getMessage());
            }
        }
    }

    private WritableByteChannel open() throws IOException {
        if (file == null) {
            return Channels.newChannel(new FileOutputStream(FileDescriptor.out));
        }
        return FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    }

    private void closeOutput() {
        if (out != null && file != null) {
            try {
                out.close();
            } catch (IOException e) {
                LOG.log(Level.DEBUG, "Closing the access log failed", e);
            }
        }
        out = null;
    }

    /** Writes what is queued (for up to two seconds), then stops; later lines are dropped. */
    @Override
    public void close() {
        closed = true;
        LockSupport.unpark(writer);
        try {
            writer.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
