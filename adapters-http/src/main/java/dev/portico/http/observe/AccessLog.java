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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The access log: one line per exchange, formatted on the request's thread and written by a thread of its own through
 * a bounded queue. When the output cannot keep up (a slow or full disk, a stalled pipe) lines are dropped and counted,
 * and requests are never slowed: a proxy that waited for its log would go down with the disk. A file is opened by its
 * path again on {@link #reopen()} (SIGHUP), as logrotate's {@code create} mode expects.
 */
public final class AccessLog implements ExchangeSink, AutoCloseable {
    private static final System.Logger LOG = System.getLogger(AccessLog.class.getName());
    /** Lines held while the output is slower than the requests: about 3 MiB of typical JSON lines. */
    public static final int DEFAULT_CAPACITY = 8192;
    private static final int BATCH = 512;

    private final AccessLogFormat format;
    private final Path file;
    private final BlockingQueue<String> lines;
    private final AtomicLong dropped = new AtomicLong();
    private final Thread writer;
    private volatile boolean reopen;
    private volatile boolean closed;
    private WritableByteChannel out;
    private boolean failing;

    private AccessLog(AccessLogFormat format, Path file, int capacity) {
        this.format = format;
        this.file = file;
        this.lines = new ArrayBlockingQueue<>(capacity);
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
        StringBuilder line = new StringBuilder(400);
        format.format(exchange, line);
        if (closed || !lines.offer(line.toString())) {
            dropped.incrementAndGet();
        }
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
        List<String> batch = new ArrayList<>(BATCH);
        while (!closed || !lines.isEmpty()) {
            try {
                String first = lines.poll(250, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
            } catch (InterruptedException e) {
                continue;
            }
            lines.drainTo(batch, BATCH - batch.size());
            write(batch);
            batch.clear();
        }
        closeOutput();
    }

    private void write(List<String> batch) {
        if (reopen) {
            reopen = false;
            closeOutput();
        }
        if (batch.isEmpty()) {
            return;
        }
        StringBuilder text = new StringBuilder(batch.size() * 400);
        batch.forEach(text::append);
        ByteBuffer bytes = ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8));
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
            dropped.addAndGet(batch.size());
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
        try {
            writer.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
