package dev.portico.http.forward;

import dev.portico.http.upstream.UpstreamConnection;
import dev.portico.http.upstream.UpstreamResponse;
import dev.portico.http.wire.HeadWriter;
import dev.portico.http.wire.ResponseHead;

import io.helidon.http.Status;

import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/**
 * An upstream's response as bytes on the client's HTTP/1.x connection. Each piece goes out in one write with what precedes
 * it (the head, a chunk's size line) when there is room for that in front of it in the buffer, as there is unless
 * the head is unusually large.
 */
public final class Http1Response implements ClientResponse {
    private static final byte[] STATUS_200 = ascii("HTTP/1.1 200 OK\r\n");
    private static final byte[] HTTP_1_1 = ascii("HTTP/1.1 ");
    private static final byte[] CONTENT_LENGTH = ascii("Content-Length: ");
    private static final byte[] CHUNKED = ascii("Transfer-Encoding: chunked\r\n");
    private static final byte[] KEEP_ALIVE = ascii("Connection: keep-alive\r\n\r\n");
    private static final byte[] CLOSE = ascii("Connection: close\r\n\r\n");
    private static final byte[] LAST_CHUNK = ascii("0\r\n\r\n");
    private static final byte[] END_AND_LAST_CHUNK = ascii("\r\n0\r\n\r\n");
    private static final byte[] CRLF = ascii("\r\n");
    private static final byte[] NOTHING = new byte[0];

    private final UpstreamResponse upstream;
    private final UpstreamConnection connection;
    private final Supplier<ClientWriter> open;
    private final boolean close;
    private final ResponseHeaders.Changes changes;
    private final boolean http10;
    /** Whether the client gets the body chunked: the upstream's was, or it ends with the upstream connection. */
    private final boolean chunked;
    private ClientWriter writer;
    private HeadWriter prepared;

    public Http1Response(UpstreamResponse upstream, UpstreamConnection connection, Supplier<ClientWriter> open,
                boolean close, boolean http10, ResponseHeaders.Changes changes) {
        this.upstream = upstream;
        this.connection = connection;
        this.open = open;
        this.close = close;
        this.http10 = http10;
        this.changes = changes;
        this.chunked = !http10 && (upstream.body() == UpstreamResponse.BodyFraming.CHUNKED
                || upstream.body() == UpstreamResponse.BodyFraming.UNTIL_CLOSED);
    }

    @Override
    public void prepare() {
        prepared = connection.clientHead();
        head(prepared);
    }

    @Override
    public void begin(byte[] buffer, int offset, int length, boolean last, boolean roomAfter) {
        HeadWriter head = prepared;
        byte[] suffix = NOTHING;
        if (chunked) {
            if (length > 0) {
                head.writeHex(length).crlf();
                suffix = last ? END_AND_LAST_CHUNK : CRLF;
            } else if (last) {
                head.write(LAST_CHUNK);
            }
        }
        writer = open.get();
        send(head, buffer, offset, length, suffix, roomAfter);
    }

    @Override
    public void piece(byte[] buffer, int offset, int length, boolean last, boolean roomAfter) {
        HeadWriter prefix = connection.clientHead();
        byte[] suffix = NOTHING;
        if (chunked) {
            prefix.writeHex(length).crlf();
            suffix = last ? END_AND_LAST_CHUNK : CRLF;
        }
        send(prefix, buffer, offset, length, suffix, roomAfter);
    }

    @Override
    public void end() {
        if (chunked) {
            writer.write(LAST_CHUNK, 0, LAST_CHUNK.length);
        }
    }

    /**
     * One write of prefix, piece and suffix when the buffer has room for them around the piece: the bytes in front
     * of a piece were read already (the upstream's head or chunk framing, or the headroom kept free), and those
     * after it were too, or were never read into (see {@link dev.portico.http.upstream.UpstreamBody#next()}). Otherwise they go out one after the
     * other.
     */
    private void send(HeadWriter prefix, byte[] buffer, int offset, int length, byte[] suffix, boolean roomAfter) {
        int before = prefix.length();
        if (length == 0) {
            prefix.write(suffix);
            writer.write(prefix.array(), 0, prefix.length());
        } else if (before <= offset && (suffix.length == 0 || roomAfter)) {
            System.arraycopy(prefix.array(), 0, buffer, offset - before, before);
            System.arraycopy(suffix, 0, buffer, offset + length, suffix.length);
            writer.write(buffer, offset - before, before + length + suffix.length);
        } else {
            if (before > 0) {
                writer.write(prefix.array(), 0, before);
            }
            writer.write(buffer, offset, length);
            if (suffix.length > 0) {
                writer.write(suffix, 0, suffix.length);
            }
        }
    }

    /** Status line and header section, up to and including the empty line. */
    private void head(HeadWriter out) {
        ResponseHead head = upstream.head();
        byte[] b = head.buffer();
        int code = head.code();
        if (code == 200 && head.reasonEnd() - head.reasonStart() == 2 && b[head.reasonStart()] == 'O'
                && b[head.reasonStart() + 1] == 'K') {
            out.write(STATUS_200);
        } else {
            out.write(HTTP_1_1).writeDecimal(code).write(' ');
            if (head.reasonEnd() > head.reasonStart()) {
                out.write(b, head.reasonStart(), head.reasonEnd() - head.reasonStart());
            } else {
                String reason = Status.create(code).reasonPhrase();
                out.writeLatin1(reason == null ? "" : reason);
            }
            out.crlf();
        }
        ResponseHeaders.headerLines(out, head, changes);
        switch (upstream.body()) {
            case LENGTH -> out.write(CONTENT_LENGTH).writeDecimal(upstream.length()).crlf();
            case CHUNKED, UNTIL_CLOSED -> {
                if (chunked) {
                    out.write(CHUNKED);
                }
            }
            case NONE -> {
                // a HEAD response says what a GET would carry; a 304 may repeat the representation's length;
                // a 204 or 205 carries neither (RFC 9110, 8.6 and 15.3.5)
                if (code != 204 && code != 205) {
                    if (head.contentLength() >= 0) {
                        out.write(CONTENT_LENGTH).writeDecimal(head.contentLength()).crlf();
                    } else if (code != 304 && head.chunked() && !http10) {
                        out.write(CHUNKED);
                    }
                }
            }
        }
        out.write(close ? CLOSE : KEEP_ALIVE);
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
