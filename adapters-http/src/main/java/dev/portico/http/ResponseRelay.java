package dev.portico.http;

import io.helidon.http.DateTime;
import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.ServerResponseHeaders;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerResponse;

import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * Writes an upstream's response to the client: status, headers and a body streamed as it arrives. A body with a
 * Content-Length keeps it; a chunked one, or one that ends with the connection, reaches the client chunked. The
 * client's response is only committed once the first body bytes have arrived, so an upstream that fails before sending
 * any can still be answered with a 502 or 504. The connection goes back to the pool once the whole body has been read
 * from it and written on.
 *
 * <p>To an HTTP/1.1 client the response is written as bytes on its connection ({@link ClientWriter}): the status line,
 * the upstream's end-to-end header lines as they came, Portico's own, and the body from the upstream connection's
 * buffer, with the head put in front of the body bytes it precedes so that a response that arrived whole leaves in one
 * write. HTTP/2 clients get it through Helidon's response.
 */
final class ResponseRelay {
    /** Longest chunk-size line (size and extensions) accepted in a chunked body. */
    private static final int MAX_CHUNK_LINE = 1024;

    private ResponseRelay() {
    }

    /** How relaying ended. */
    sealed interface Ending {
        /** The whole response reached the client. */
        record Complete() implements Ending {
        }

        /** The upstream failed before any body byte reached the client, which may still get an error response. */
        record UpstreamFailedBeforeBody(Exception cause) implements Ending {
        }

        /** The upstream failed mid-body; the client's response must be cut off, not completed. */
        record UpstreamFailedMidBody(Exception cause) implements Ending {
        }

        /** The client stopped reading. */
        record ClientGone(Exception cause) implements Ending {
        }
    }

    private static final Ending COMPLETE = new Ending.Complete();

    /**
     * What Portico changes in the upstream's headers besides dropping the hop-by-hop ones and writing its own Server
     * and Via.
     *
     * @param rewriteLocation   maps the upstream's Location to the one the client gets
     * @param strictTransport   the route's Strict-Transport-Security header for this response, or null
     * @param ownsStrictTransport whether the route has an HSTS policy, which then replaces the upstream's header (over
     *                          TLS) or removes it (over plain HTTP, where {@code strictTransport} is null)
     */
    record Changes(UnaryOperator<String> rewriteLocation, Header strictTransport, boolean ownsStrictTransport) {
    }

    /**
     * To an HTTP/1.1 client, as bytes on its connection.
     *
     * @param client opens the client's connection for writing; called when the first bytes are ready, so that until
     *               then the request can still be answered otherwise
     * @param close  whether the client's connection ends after this response
     * @param http10 whether the client speaks HTTP/1.0, which knows no chunks: a body of unknown length is then sent
     *               as it comes and ended by closing the connection ({@code close} must be true)
     */
    static Ending toHttp1(UpstreamResponse upstream, UpstreamConnection connection, Supplier<ClientWriter> client,
                          boolean close, boolean http10, Changes changes) {
        return relay(upstream, connection, new Http1Client(upstream, connection, client, close, http10, changes));
    }

    /**
     * Through Helidon's response, for HTTP/2 clients. The route's HSTS policy is not applied here: the proxy registers
     * it with the response, as for every response Helidon writes.
     */
    static Ending toResponse(UpstreamResponse upstream, UpstreamConnection connection, ServerResponse client,
                             UnaryOperator<String> rewriteLocation) {
        return relay(upstream, connection, new HelidonClient(upstream, client, rewriteLocation));
    }

    private static final byte[] COLON = ascii(": ");
    private static final byte[] SERVER = ascii("Server: portico\r\n");
    private static final byte[] VIA = ascii("Via: " + HeaderRules.VIA + "\r\n");
    private static final byte[] VIA_NAME = ascii("Via: ");
    private static final byte[] VIA_APPENDED = ascii(", " + HeaderRules.VIA + "\r\n");
    private static final byte[] LOCATION = ascii("Location: ");
    private static final byte[] DATE = ascii("Date: ");

    /**
     * The header lines an HTTP/1.1 client gets of an upstream's response, besides the body's framing and Connection:
     * the end-to-end lines as they came (repeated ones as repeated lines), Location rewritten, Portico's Server, Via
     * with Portico's hop appended, the route's HSTS policy, and a Date when the upstream sent none.
     */
    static void headerLines(HeadWriter out, ResponseHead head, Changes changes) {
        for (int i = 0; i < head.count(); i++) {
            switch (head.kind(i)) {
                case PASS, DATE -> line(out, head, i);
                case STRICT_TRANSPORT_SECURITY -> {
                    if (!changes.ownsStrictTransport()) {
                        line(out, head, i);
                    }
                }
                case LOCATION -> {
                    if (i == head.location()) {
                        out.write(LOCATION).writeLatin1(changes.rewriteLocation().apply(head.value(i))).crlf();
                    }
                }
                default -> {
                    // hop-by-hop, framing, Server and Via: Portico writes its own
                }
            }
        }
        out.write(SERVER);
        if (head.hasVia()) {
            out.write(VIA_NAME).writeLatin1(head.joined(ResponseHead.Kind.VIA)).write(VIA_APPENDED);
        } else {
            out.write(VIA);
        }
        if (changes.strictTransport() != null) {
            Header sts = changes.strictTransport();
            out.write(sts.headerName().nameBytes()).write(COLON).writeLatin1(sts.get()).crlf();
        }
        if (!head.hasDate()) {
            out.write(DATE).write(DateTime.http1Bytes());
        }
    }

    private static void line(HeadWriter out, ResponseHead head, int i) {
        byte[] b = head.buffer();
        out.write(b, head.nameStart(i), head.nameEnd(i) - head.nameStart(i)).write(COLON)
                .write(b, head.valueStart(i), head.valueEnd(i) - head.valueStart(i)).crlf();
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    private static Ending relay(UpstreamResponse upstream, UpstreamConnection connection, Client client) {
        Body body = new Body(connection, upstream);
        // the head is put together before the body is read: its bytes may be overwritten by the body's
        client.prepare();
        byte[] buffer = connection.buffer();
        int length;
        try {
            length = body.next();
        } catch (RuntimeException e) {
            connection.close();
            return new Ending.UpstreamFailedBeforeBody(e);
        }
        boolean last = body.complete();
        try {
            client.begin(buffer, connection.pieceStart(), Math.max(length, 0), last, body.roomAfter());
        } catch (IOException | RuntimeException e) {
            body.end();
            return new Ending.ClientGone(e);
        }
        while (!last) {
            try {
                length = body.next();
            } catch (RuntimeException e) {
                connection.close();
                return new Ending.UpstreamFailedMidBody(e);
            }
            last = body.complete();
            try {
                if (length < 0) {
                    client.end();
                } else {
                    client.piece(connection.buffer(), connection.pieceStart(), length, last, body.roomAfter());
                }
            } catch (IOException | RuntimeException e) {
                body.end();
                return new Ending.ClientGone(e);
            }
        }
        body.end();
        return COMPLETE;
    }

    /** Where the response goes, piece by piece. */
    private interface Client {
        /** Puts the status and headers together, while the upstream's head is still in the buffer. */
        void prepare();

        /**
         * The status, the headers and the body's first piece; the whole body when {@code last}.
         *
         * @param roomAfter whether the bytes after the piece in the buffer, up to the length of a last chunk, are free
         */
        void begin(byte[] buffer, int offset, int length, boolean last, boolean roomAfter) throws IOException;

        /** The body's next piece, its last when {@code last}. */
        void piece(byte[] buffer, int offset, int length, boolean last, boolean roomAfter) throws IOException;

        /** The body ended after a piece that was not known to be the last. */
        void end() throws IOException;
    }

    /**
     * The response as bytes on the client's HTTP/1.1 connection. Each piece goes out in one write with what precedes
     * it (the head, a chunk's size line) when there is room for that in front of it in the buffer, as there is unless
     * the head is unusually large.
     */
    private static final class Http1Client implements Client {
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
        private final Changes changes;
        private final boolean http10;
        /** Whether the client gets the body chunked: the upstream's was, or it ends with the upstream connection. */
        private final boolean chunked;
        private ClientWriter writer;
        private HeadWriter prepared;

        Http1Client(UpstreamResponse upstream, UpstreamConnection connection, Supplier<ClientWriter> open,
                    boolean close, boolean http10, Changes changes) {
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
         * after it were too, or were never read into (see {@link Body#next()}). Otherwise they go out one after the
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
            headerLines(out, head, changes);
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
    }

    /** The response through Helidon's: HTTP/2, where Helidon frames headers and body. */
    private static final class HelidonClient implements Client {
        private final UpstreamResponse upstream;
        private final ServerResponse client;
        private final UnaryOperator<String> rewriteLocation;
        private OutputStream out;

        HelidonClient(UpstreamResponse upstream, ServerResponse client, UnaryOperator<String> rewriteLocation) {
            this.upstream = upstream;
            this.client = client;
            this.rewriteLocation = rewriteLocation;
        }

        @Override
        public void prepare() {
            ResponseHead head = upstream.head();
            int code = head.code();
            // status first: Helidon refuses to switch to 204/304 once a Content-Length is set
            client.status(head.status());
            ServerResponseHeaders headers = client.headers();
            for (int i = 0; i < head.count(); i++) {
                switch (head.kind(i)) {
                    case PASS, DATE, STRICT_TRANSPORT_SECURITY ->
                            headers.add(HeaderValues.create(HeaderNames.create(head.name(i)), head.value(i)));
                    case LOCATION -> {
                        if (i == head.location()) {
                            headers.set(HeaderNames.LOCATION, rewriteLocation.apply(head.value(i)));
                        }
                    }
                    default -> {
                        // hop-by-hop, framing, Server and Via: Portico writes its own
                    }
                }
            }
            headers.set(HeaderRules.SERVER);
            String via = head.joined(ResponseHead.Kind.VIA);
            headers.set(HeaderNames.VIA, via == null ? HeaderRules.VIA : via + ", " + HeaderRules.VIA);
            long contentLength = upstream.body() == UpstreamResponse.BodyFraming.LENGTH ? upstream.length()
                    : head.contentLength();
            // Helidon answers a Content-Length on a 204/205/304 with a 500 and writes its own
            if (contentLength >= 0 && code != 204 && code != 205 && code != 304) {
                headers.contentLength(contentLength);
            }
        }

        @Override
        public void begin(byte[] buffer, int offset, int length, boolean last, boolean roomAfter)
                throws IOException {
            if (last) {
                if (length == 0) {
                    client.send();
                } else {
                    client.send(buffer, offset, length);
                }
                return;
            }
            out = client.outputStream();
            piece(buffer, offset, length, false, roomAfter);
        }

        @Override
        public void piece(byte[] buffer, int offset, int length, boolean last, boolean roomAfter)
                throws IOException {
            out.write(buffer, offset, length);
            if (last) {
                out.close();
            } else {
                out.flush();
            }
        }

        @Override
        public void end() throws IOException {
            out.close();
        }
    }

    /**
     * The body on the connection, read as its framing says: Content-Length bytes, chunks up to the last one (whose
     * trailer fields are read and dropped, as Trailer is not forwarded), or everything up to the connection's end.
     * Each piece is read into the connection's buffer; each read may wait for the upstream at most the route's timeout
     * (see {@link UpstreamConnection#awaiting()}).
     */
    private static final class Body {
        private static final byte[] CRLF_LAST_CHUNK = {'\r', '\n', '0', '\r', '\n', '\r', '\n'};

        private final UpstreamConnection connection;
        private final UpstreamResponse.BodyFraming framing;
        /** Bytes left of the body (LENGTH) or of the current chunk (CHUNKED). */
        private long remaining;
        private boolean inChunk;
        private boolean complete;
        private boolean roomAfter;
        private boolean ended;

        Body(UpstreamConnection connection, UpstreamResponse response) {
            this.connection = connection;
            this.framing = response.body();
            this.remaining = response.length();
            if (framing == UpstreamResponse.BodyFraming.LENGTH) {
                connection.relayBuffer(remaining);
            }
        }

        /** Whether the whole body has been read. */
        boolean complete() {
            return complete;
        }

        /**
         * Whether the bytes that follow the last piece in the buffer, as many as a chunk's end and the last chunk take,
         * are free: read already (the upstream's own chunk end) or never read into.
         */
        boolean roomAfter() {
            return roomAfter;
        }

        /**
         * The next piece of the body, at {@link UpstreamConnection#pieceStart()} in the connection's buffer, as soon as
         * some arrived and with all that already did; -1 at its end.
         */
        int next() {
            return switch (framing) {
                case NONE -> {
                    complete = true;
                    yield -1;
                }
                case LENGTH -> {
                    int read = take(remaining);
                    remaining -= read;
                    complete = remaining == 0;
                    yield read;
                }
                case CHUNKED -> {
                    if (remaining == 0) {
                        if (inChunk) {
                            endOfChunk();
                        }
                        remaining = chunkSize();
                        inChunk = true;
                        if (remaining == 0) {
                            trailerFields();
                            complete = true;
                            yield -1;
                        }
                    }
                    int read = take(remaining);
                    remaining -= read;
                    roomAfter = remaining > 0 || chunkEnded();
                    yield read;
                }
                case UNTIL_CLOSED -> {
                    // everything buffered is taken: nothing follows the piece
                    roomAfter = true;
                    int read = take(Long.MAX_VALUE);
                    complete = read < 0;
                    yield read;
                }
            };
        }

        /**
         * Up to {@code max} bytes, as soon as some arrived and with all that already did; -1 only at the end of a body
         * that ends with the connection.
         */
        private int take(long max) {
            connection.awaiting();
            int read = connection.piece(max);
            connection.settle();
            if (read < 0 && framing != UpstreamResponse.BodyFraming.UNTIL_CLOSED) {
                throw new UncheckedIOException(new EOFException("the upstream closed the connection before the end"
                        + " of the body"));
            }
            return read;
        }

        /**
         * A chunk was read to its end: its CRLF is consumed now if it has arrived (and the last chunk with it, when that
         * followed at once with no extensions or trailer fields, as it does at the end of most small chunked bodies,
         * which then leave with their last piece). Returns whether the bytes after the chunk are free.
         */
        private boolean chunkEnded() {
            int buffered = connection.buffered();
            if (buffered == 0) {
                return true;
            }
            if (buffered == 1) {
                // reading the rest could move the piece: leave the CRLF for the next call
                return false;
            }
            complete = lastChunkFollows();
            if (!complete) {
                endOfChunk();
                inChunk = false;
            }
            return true;
        }

        private boolean lastChunkFollows() {
            if (connection.buffered() < CRLF_LAST_CHUNK.length) {
                return false;
            }
            byte[] buffer = connection.buffer();
            int at = connection.position();
            for (int i = 0; i < CRLF_LAST_CHUNK.length; i++) {
                if (buffer[at + i] != CRLF_LAST_CHUNK[i]) {
                    return false;
                }
            }
            connection.skip(CRLF_LAST_CHUNK.length);
            return true;
        }

        private long chunkSize() {
            connection.awaiting();
            int length = connection.lineLength(MAX_CHUNK_LINE);
            connection.settle();
            if (length == MAX_CHUNK_LINE) {
                throw new IllegalStateException("chunk size line too long");
            }
            byte[] buffer = connection.buffer();
            int start = connection.position();
            int end = start + length;
            for (int i = start; i < end; i++) {
                if (buffer[i] == ';') {
                    end = i;
                    break;
                }
            }
            while (start < end && (buffer[start] == ' ' || buffer[start] == '\t')) {
                start++;
            }
            while (end > start && (buffer[end - 1] == ' ' || buffer[end - 1] == '\t')) {
                end--;
            }
            if (start == end || end - start > 15) {
                throw new IllegalStateException("invalid chunk size");
            }
            long size = 0;
            for (int i = start; i < end; i++) {
                int digit = Character.digit(buffer[i], 16);
                if (digit < 0) {
                    throw new IllegalStateException("invalid chunk size");
                }
                size = size * 16 + digit;
            }
            connection.skip(length + 2);
            return size;
        }

        private void endOfChunk() {
            connection.awaiting();
            connection.require(2);
            connection.settle();
            byte[] buffer = connection.buffer();
            int at = connection.position();
            if (buffer[at] != '\r' || buffer[at + 1] != '\n') {
                throw new IllegalStateException("chunk not followed by CRLF");
            }
            connection.skip(2);
        }

        private void trailerFields() {
            while (true) {
                connection.awaiting();
                int length = connection.lineLength(ResponseHead.MAX_HEADERS_SIZE);
                connection.settle();
                if (length == ResponseHead.MAX_HEADERS_SIZE) {
                    throw new IllegalStateException("trailer fields too long");
                }
                connection.skip(length + 2);
                if (length == 0) {
                    return;
                }
            }
        }

        /**
         * Relaying is over: the connection goes back to the pool if the body was read to its end (even when the client
         * went away meanwhile), and is closed otherwise.
         */
        void end() {
            if (ended) {
                return;
            }
            ended = true;
            if (complete) {
                connection.release();
            } else {
                connection.close();
            }
        }
    }
}
