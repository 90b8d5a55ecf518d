package dev.portico.http.http1;

import dev.portico.http.client.ClientDeadlines;
import dev.portico.http.upstream.MalformedBodyException;
import dev.portico.http.upstream.RequestBody;

import io.helidon.common.buffers.BufferData;
import io.helidon.common.buffers.DataReader;

import java.io.EOFException;
import java.io.IOException;
import java.util.Arrays;

/**
 * A request body on a client's HTTP/1.x connection, read from the connection's reader as its head framed it:
 * Content-Length bytes, or chunks (RFC 9112, 7.1) up to the last one. Chunked framing is checked strictly, since a
 * proxy that frames a body differently from the server behind it opens the way to request smuggling: a chunk size
 * of hex digits only (at most 15), extensions of tokens and quoted strings (read and dropped), exactly CRLF after
 * each chunk's data, trailer fields that are well-formed header lines (read and dropped, as Trailer is not
 * forwarded). Anything else is a {@link MalformedBodyException}. Each read may wait for the client at most the body
 * timeout; the connection's deadline closes it otherwise.
 */
public final class Http1Body implements RequestBody.Source {
    /** Longest chunk-size line, extensions included; nginx allows about as much. */
    public static final int MAX_CHUNK_LINE = 4096;

    private static final boolean[] TCHAR = new boolean[256];
    private static final boolean[] HEX = new boolean[256];

    static {
        for (int c = '0'; c <= '9'; c++) {
            TCHAR[c] = HEX[c] = true;
        }
        for (int c = 'a'; c <= 'z'; c++) {
            TCHAR[c] = TCHAR[c - 32] = true;
        }
        for (int c = 'a'; c <= 'f'; c++) {
            HEX[c] = HEX[c - 32] = true;
        }
        for (char c : "!#$%&'*+-.^_`|~".toCharArray()) {
            TCHAR[c] = true;
        }
    }

    private final DataReader reader;
    private final boolean chunked;
    private final int maxTrailers;
    private final ClientDeadlines.Watch watch;
    private final long timeoutNanos;
    private final Input blocking;
    private Runnable beforeFirstRead;

    /** Bytes left of the body (a length) or of the current chunk. */
    private long remaining;
    /** A chunk's data was read to its end and its CRLF is due. */
    private boolean chunkDataRead;
    private boolean done;

    /**
     * @param length          the Content-Length, or -1 for a chunked body
     * @param maxTrailers     the most bytes of trailer fields taken
     * @param beforeFirstRead run once before the first read, which may wait for the client ("100 Continue")
     */
    public Http1Body(DataReader reader, long length, int maxTrailers, ClientDeadlines.Watch watch, long timeoutNanos,
              Runnable beforeFirstRead) {
        this.reader = reader;
        this.chunked = length < 0;
        this.remaining = Math.max(length, 0);
        this.done = length == 0;
        this.maxTrailers = maxTrailers;
        this.watch = watch;
        this.timeoutNanos = timeoutNanos;
        this.beforeFirstRead = beforeFirstRead;
        this.blocking = new Blocking(reader);
    }

    /** Whether the body was read to its end. */
    public boolean done() {
        return done;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        if (done) {
            return -1;
        }
        if (beforeFirstRead != null) {
            Runnable first = beforeFirstRead;
            beforeFirstRead = null;
            first.run();
        }
        watch.readBy(System.nanoTime() + timeoutNanos, "piece of the request body");
        try {
            return read(blocking, buffer, offset, length);
        } catch (DataReader.InsufficientDataAvailableException e) {
            throw new EOFException("the client closed its connection before the end of its body");
        } finally {
            watch.notReading();
        }
    }

    @Override
    public byte[] ifArrived(int max) throws IOException {
        int available = reader.available();
        if (done || !chunked || available == 0) {
            return null;
        }
        // decode a copy of what arrived; only a whole body is taken from the reader
        Arrived input = new Arrived(reader, Math.min(available, max + MAX_CHUNK_LINE + maxTrailers));
        long remainingBefore = remaining;
        boolean chunkDataReadBefore = chunkDataRead;
        byte[] body = new byte[Math.min(max, 1024)];
        int length = 0;
        try {
            while (true) {
                if (length == body.length) {
                    if (length == max) {
                        throw Arrived.NOT_YET;
                    }
                    body = Arrays.copyOf(body, Math.min(max, body.length * 2));
                }
                int read = read(input, body, length, body.length - length);
                if (read < 0) {
                    break;
                }
                length += read;
            }
        } catch (Arrived.NotYet notYet) {
            remaining = remainingBefore;
            chunkDataRead = chunkDataReadBefore;
            done = false;
            return null;
        }
        reader.skip(input.consumed());
        beforeFirstRead = null;
        return length == body.length ? body : Arrays.copyOf(body, length);
    }

    private int read(Input in, byte[] buffer, int offset, int length) throws IOException {
        if (chunked && remaining == 0) {
            if (chunkDataRead) {
                crlf(in, "a chunk's data is not followed by CRLF");
                chunkDataRead = false;
            }
            remaining = chunkSize(in);
            if (remaining == 0) {
                trailers(in);
                done = true;
                return -1;
            }
        }
        int read = in.take(buffer, offset, (int) Math.min(length, remaining));
        remaining -= read;
        if (remaining == 0) {
            if (chunked) {
                chunkDataRead = true;
            } else {
                done = true;
            }
        }
        return read;
    }

    /** {@code 1*HEXDIG *( BWS ";" BWS token [ BWS "=" BWS ( token / quoted-string ) ] ) CRLF}. */
    private static long chunkSize(Input in) throws IOException {
        LineBytes line = new LineBytes(in, MAX_CHUNK_LINE, "a chunk-size line is too long");
        int c = line.next();
        long size = 0;
        int digits = 0;
        while (HEX[c]) {
            if (++digits > 15) {
                throw new MalformedBodyException("a chunk size is too large");
            }
            size = size * 16 + Character.digit(c, 16);
            c = line.next();
        }
        if (digits == 0) {
            throw new MalformedBodyException("a chunk size is not a hexadecimal number");
        }
        while (true) {
            c = line.skipWhitespace(c);
            if (c == '\r') {
                line.lf();
                return size;
            }
            if (c != ';') {
                throw new MalformedBodyException("a chunk-size line has more than a size and extensions");
            }
            c = line.skipWhitespace(line.next());
            if (!TCHAR[c]) {
                throw new MalformedBodyException("a chunk extension has no name");
            }
            while (TCHAR[c]) {
                c = line.next();
            }
            c = line.skipWhitespace(c);
            if (c == '=') {
                c = line.skipWhitespace(line.next());
                if (c == '"') {
                    c = quotedString(line);
                } else if (TCHAR[c]) {
                    while (TCHAR[c]) {
                        c = line.next();
                    }
                } else {
                    throw new MalformedBodyException("a chunk extension has no value after '='");
                }
            }
        }
    }

    /** The rest of a quoted string whose opening quote was read; the byte after its closing quote. */
    private static int quotedString(LineBytes line) throws IOException {
        while (true) {
            int c = line.next();
            if (c == '"') {
                return line.next();
            }
            if (c == '\\') {
                c = line.next();
            }
            if ((c < 0x20 && c != '\t') || c == 0x7f) {
                throw new MalformedBodyException("a chunk extension's quoted value has a control character");
            }
        }
    }

    /** Trailer field lines up to the empty line, checked as header lines and dropped. */
    private void trailers(Input in) throws IOException {
        LineBytes line = new LineBytes(in, maxTrailers, "the trailer section is too large");
        while (true) {
            int c = line.next();
            if (c == '\r') {
                line.lf();
                return;
            }
            if (!TCHAR[c]) {
                throw new MalformedBodyException("a trailer field has a malformed name");
            }
            while (TCHAR[c]) {
                c = line.next();
            }
            if (c != ':') {
                throw new MalformedBodyException("a trailer field has a malformed name");
            }
            while ((c = line.next()) != '\r') {
                if ((c < 0x20 && c != '\t') || c == 0x7f) {
                    throw new MalformedBodyException("a trailer field has a control character");
                }
            }
            line.lf();
        }
    }

    private static void crlf(Input in, String problem) throws IOException {
        if (in.next() != '\r' || in.next() != '\n') {
            throw new MalformedBodyException(problem);
        }
    }

    /** The bytes of framing lines, counted against their limit; a lone LF is never a line end. */
    private static final class LineBytes {
        private final Input in;
        private final int max;
        private final String tooLong;
        private int count;

        public LineBytes(Input in, int max, String tooLong) {
            this.in = in;
            this.max = max;
            this.tooLong = tooLong;
        }

        public int next() throws IOException {
            if (++count > max) {
                throw new MalformedBodyException(tooLong);
            }
            int c = in.next();
            if (c == '\n') {
                throw new MalformedBodyException("a line in the chunked framing ends with an LF alone");
            }
            return c;
        }

        public int skipWhitespace(int c) throws IOException {
            while (c == ' ' || c == '\t') {
                c = next();
            }
            return c;
        }

        /** The LF after a CR. */
        public void lf() throws IOException {
            count++;
            if (in.next() != '\n') {
                throw new MalformedBodyException("a line in the chunked framing ends with a CR alone");
            }
        }
    }

    /** Where the decoder takes bytes from. */
    private interface Input {
        int next() throws IOException;

        /** Up to {@code max} bytes, at least one. */
        int take(byte[] buffer, int offset, int max) throws IOException;
    }

    /** The connection's reader: waits for the client. */
    private record Blocking(DataReader reader) implements Input {
        @Override
        public int next() {
            return reader.read() & 0xff;
        }

        @Override
        public int take(byte[] buffer, int offset, int max) {
            reader.ensureAvailable();
            int n = Math.min(max, reader.available());
            BufferData data = reader.readBuffer(n);
            data.read(buffer, offset, n);
            return n;
        }
    }

    /** A copy of the bytes that arrived; running out of them means the body is not whole yet. */
    private static final class Arrived implements Input {
        public static final class NotYet extends RuntimeException {
            public NotYet() {
                super(null, null, false, false);
            }
        }

        public static final NotYet NOT_YET = new NotYet();

        private final byte[] bytes;
        private int position;

        public Arrived(DataReader reader, int count) {
            this.bytes = new byte[count];
            reader.getBuffer(count).read(bytes, 0, count);
        }

        public int consumed() {
            return position;
        }

        @Override
        public int next() {
            if (position == bytes.length) {
                throw NOT_YET;
            }
            return bytes[position++] & 0xff;
        }

        @Override
        public int take(byte[] buffer, int offset, int max) {
            int n = Math.min(max, bytes.length - position);
            if (n == 0) {
                throw NOT_YET;
            }
            System.arraycopy(bytes, position, buffer, offset, n);
            position += n;
            return n;
        }
    }
}
