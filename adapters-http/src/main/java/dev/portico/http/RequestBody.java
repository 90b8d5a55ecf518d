package dev.portico.http;

import io.helidon.http.HeaderNames;
import io.helidon.http.ServerRequestHeaders;
import io.helidon.webclient.api.ClientRequest;
import io.helidon.webserver.http.ServerRequest;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * The client's request body on its way to the upstream. The webclient frames it from the request's headers: with
 * the client's Content-Length when it sent one, chunked otherwise. A body of known length up to
 * {@link #BUFFER_SIZE} is read whole before it is sent, so it can be sent again if the upstream connection turns
 * out to be dead; anything larger, or chunked, is streamed as it arrives and never held.
 */
final class RequestBody implements ClientRequest.OutputStreamHandler {
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

    /** Whether the body can be sent (again): nothing of it has been streamed past recall. */
    boolean replayable() {
        return !streamed;
    }

    @Override
    public void handle(OutputStream upstream) throws IOException {
        if (held == null && length >= 0 && length <= BUFFER_SIZE) {
            held = readWhole((int) length);
        }
        if (held != null) {
            upstream.write(held);
            upstream.close();
            return;
        }
        byte[] buffer = new byte[BUFFER_SIZE];
        int read;
        while ((read = readSome(buffer)) >= 0) {
            streamed = true;
            upstream.write(buffer, 0, read);
        }
        upstream.close();
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

    private int readSome(byte[] buffer) {
        try {
            return content().read(buffer);
        } catch (IOException | RuntimeException e) {
            throw new ClientAbortedException(e);
        }
    }

    private InputStream content() {
        if (content == null) {
            // the first read is what makes Helidon send "100 Continue" to a client that expects it
            content = request.content().inputStream();
        }
        return content;
    }
}
