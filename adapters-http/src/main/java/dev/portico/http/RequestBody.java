package dev.portico.http;

import io.helidon.http.HeaderNames;
import io.helidon.http.ServerRequestHeaders;
import io.helidon.webserver.http.ServerRequest;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * The client's request body on its way to the upstream, framed as the client framed it: with its Content-Length
 * when it sent one, chunked otherwise. A body of known length up to {@link #BUFFER_SIZE} is read whole before it
 * is sent, so it goes out with the request's headers in one write and can be sent again if the upstream
 * connection turns out to be dead; anything larger, or chunked, is streamed as it arrives and never held.
 */
final class RequestBody {
    static final int BUFFER_SIZE = 16 * 1024;

    private final ServerRequest request;
    private final long length;
    private InputStream content;
    private byte[] held;
    private boolean streamed;

    private RequestBody(ServerRequest request, long length) {
        this.request = request;
        this.length = length;
    }

    /** The body of the request, or null when its framing headers say it has none. */
    static RequestBody of(ServerRequest request) {
        ServerRequestHeaders headers = request.headers();
        if (headers.contains(HeaderNames.TRANSFER_ENCODING)) {
            return new RequestBody(request, -1);
        }
        long length = headers.contentLength().orElse(0);
        return length > 0 ? new RequestBody(request, length) : null;
    }

    /** The body's length, or -1 when the client sent it chunked. */
    long length() {
        return length;
    }

    /** Whether the body is read whole and sent with the headers. */
    boolean small() {
        return length >= 0 && length <= BUFFER_SIZE;
    }

    /**
     * The whole of a {@link #small()} body, read from the client on the first call.
     *
     * @throws ClientAbortedException when the client stops sending before the end of its body
     */
    byte[] whole() {
        if (held == null) {
            held = readWhole((int) length);
        }
        return held;
    }

    /** Whether the body can be sent (again): nothing of it has been streamed past recall. */
    boolean replayable() {
        return !streamed;
    }

    /**
     * The next piece of a body that is streamed: up to {@code buffer.length} bytes, or -1 at its end.
     *
     * @throws ClientAbortedException when the client goes away
     */
    int read(byte[] buffer) {
        streamed = true;
        try {
            return content().read(buffer);
        } catch (IOException | RuntimeException e) {
            throw new ClientAbortedException(e);
        }
    }

    private byte[] readWhole(int size) {
        byte[] body;
        try {
            body = content().readNBytes(size);
        } catch (IOException | RuntimeException e) {
            throw new ClientAbortedException(e);
        }
        if (body.length < size) {
            throw new ClientAbortedException(new EOFException("request body ended after " + body.length + " bytes"));
        }
        return body;
    }

    private InputStream content() {
        if (content == null) {
            // the first read is what makes Helidon send "100 Continue" to a client that expects it
            content = request.content().inputStream();
        }
        return content;
    }
}
