package dev.portico.http.upstream;

import io.helidon.http.HeaderNames;
import io.helidon.http.ServerRequestHeaders;
import io.helidon.webserver.http.ServerRequest;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * The client's request body on its way to the upstream, framed as the client framed it: with its Content-Length
 * when it sent one, chunked otherwise. A body of known length up to {@link #BUFFER_SIZE} is read whole before it is
 * sent, and so is a chunked one that has arrived whole already (most small ones arrive with their head): either then
 * goes out with the request's headers in one write, can be sent again if the upstream connection turns out to be
 * dead, and, when malformed, is refused before the upstream sees any of it. Anything larger is streamed as it arrives
 * and never held.
 */
public final class RequestBody {
    public static final int BUFFER_SIZE = 16 * 1024;

    /** Where the body's bytes come from, without their framing. */
    public interface Source {
        /**
         * Up to {@code length} bytes into {@code buffer}, as soon as some arrived; -1 at the body's end.
         *
         * @throws MalformedBodyException when the body breaks its framing
         */
        int read(byte[] buffer, int offset, int length) throws IOException;

        /**
         * The rest of the body, when all of it (at most {@code max} bytes) has arrived already; null otherwise, with
         * nothing consumed. Never waits.
         *
         * @throws MalformedBodyException when what arrived breaks the body's framing
         */
        default byte[] ifArrived(int max) throws IOException {
            return null;
        }
    }

    private final long length;
    private final Source source;
    private byte[] held;
    private boolean lookedAhead;
    private boolean streamed;
    private boolean complete;
    private long consumed;
    /** Bytes read from the client so far, whichever way. */
    private long received;

    private RequestBody(long length, Source source) {
        this.length = length;
        this.source = source;
    }

    /**
     * A body the client frames itself.
     *
     * @param length its Content-Length, or -1 when chunked
     */
    public static RequestBody of(long length, Source source) {
        return new RequestBody(length, source);
    }

    /** The body of a request Helidon read (HTTP/2), or null when its headers say it has none. */
    public static RequestBody of(ServerRequest request) {
        ServerRequestHeaders headers = request.headers();
        long length = headers.contains(HeaderNames.TRANSFER_ENCODING) ? -1 : headers.contentLength().orElse(-1);
        if (length == 0 || (length < 0 && !request.content().hasEntity())) {
            return null;
        }
        return new RequestBody(length, new Source() {
            private InputStream content;

            @Override
            public int read(byte[] buffer, int offset, int count) throws IOException {
                if (content == null) {
                    content = request.content().inputStream();
                }
                return content.read(buffer, offset, count);
            }
        });
    }

    /** The body's length, or -1 when it is sent chunked. */
    public long length() {
        return length;
    }

    /** Whether the body is read whole and sent with the headers. */
    public boolean small() {
        if (length >= 0) {
            return length <= BUFFER_SIZE;
        }
        if (!lookedAhead && !streamed) {
            lookedAhead = true;
            try {
                held = source.ifArrived(BUFFER_SIZE);
            } catch (IOException | RuntimeException e) {
                throw new ClientAbortedException(e);
            }
            complete = held != null;
            if (held != null) {
                received += held.length;
            }
        }
        return held != null;
    }

    /**
     * The whole of a {@link #small()} body, read from the client on the first call.
     *
     * @throws ClientAbortedException when the client stops sending before the end of its body, or breaks its framing
     */
    public byte[] whole() {
        if (held == null) {
            held = readWhole((int) length);
        }
        return held;
    }

    /** Whether the body can be sent (again): nothing of it has been streamed past recall. */
    public boolean replayable() {
        return !streamed;
    }

    /** The body's bytes read from the client so far (for the access log). */
    public long received() {
        return received;
    }

    /** Whether the body was read to its end, so that whatever follows it on the connection is a new request. */
    public boolean complete() {
        return complete;
    }

    /**
     * The next piece of a body that is streamed: up to {@code buffer.length} bytes, or -1 at its end.
     *
     * @throws ClientAbortedException when the client goes away or breaks the body's framing
     */
    public int read(byte[] buffer) {
        streamed = true;
        try {
            int read = source.read(buffer, 0, buffer.length);
            if (read > 0) {
                received += read;
            }
            if (read < 0) {
                complete = true;
            } else if (length >= 0 && (consumed += read) >= length) {
                complete = true;
            }
            return read;
        } catch (IOException | RuntimeException e) {
            throw new ClientAbortedException(e);
        }
    }

    private byte[] readWhole(int size) {
        byte[] body = new byte[size];
        int read = 0;
        try {
            while (read < size) {
                int n = source.read(body, read, size - read);
                if (n < 0) {
                    break;
                }
                read += n;
            }
        } catch (IOException | RuntimeException e) {
            received += read;
            throw new ClientAbortedException(e);
        }
        received += read;
        if (read < size) {
            throw new ClientAbortedException(new EOFException("request body ended after " + read + " bytes"));
        }
        complete = true;
        return body;
    }
}
