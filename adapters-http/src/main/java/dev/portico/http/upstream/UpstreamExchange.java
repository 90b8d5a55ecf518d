package dev.portico.http.upstream;

import dev.portico.http.wire.HeadWriter;
import dev.portico.http.wire.ResponseHead;

import io.helidon.http.Method;

import java.io.EOFException;
import java.nio.charset.StandardCharsets;

/**
 * Writes one HTTP/1.1 request to an upstream connection and reads the head of its response ({@link ResponseHead}: its
 * header lines validated and kept as bytes), without the webclient's per-request machinery, which bench/NOTES.md
 * measured at a quarter of Portico's Java time. The request goes out in one write when its body is small; interim
 * responses (100, 102, 103) are skipped, as nginx does, and the first final response is returned.
 */
public final class UpstreamExchange {
    private static final byte[] HTTP_1_1_CRLF = " HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] CONTENT_LENGTH = "Content-Length: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CONTENT_LENGTH_0 = "Content-Length: 0\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CHUNKED = "Transfer-Encoding: chunked\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] LAST_CHUNK = "0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private UpstreamExchange() {
    }

    /**
     * Sends the request and returns its response's head once it arrived.
     *
     * @throws ClientAbortedException when the client stops sending its body
     * @throws RuntimeException       when the connection fails, the upstream does not answer in time (the connection's
     *                                watchdog closes it), or its answer is not HTTP/1.x; the connection must be closed
     */
    public static UpstreamResponse exchange(UpstreamConnection connection, UpstreamCall.Outbound outbound) {
        connection.beginExchange();
        writeRequest(connection, outbound);
        connection.awaitAnswerWithin(outbound.timeout());
        UpstreamResponse response = readHead(connection, outbound.method());
        connection.settle();
        return response;
    }

    private static void writeRequest(UpstreamConnection connection, UpstreamCall.Outbound outbound) {
        RequestBody body = outbound.body();
        boolean small = body != null && body.small();
        byte[] whole = small ? body.whole() : null;
        HeadWriter head = connection.requestHead();
        head.writeLatin1(outbound.method().text()).write(' ').writeLatin1(outbound.rawTarget()).write(HTTP_1_1_CRLF);
        outbound.headers().writeTo(head);
        if (body == null) {
            // RFC 9110, 8.6: a request whose method gives content a meaning says it has none
            if (outbound.method() == Method.POST || outbound.method() == Method.PUT
                    || outbound.method() == Method.PATCH) {
                head.write(CONTENT_LENGTH_0);
            }
            head.write(CRLF);
            connection.write(head);
        } else if (small && body.length() < 0) {
            // a chunked body that arrived whole keeps its framing: one chunk and the last
            head.write(CHUNKED);
            head.write(CRLF);
            if (whole.length > 0) {
                head.writeHex(whole.length).crlf().write(whole).crlf();
            }
            head.write(LAST_CHUNK);
            connection.write(head);
        } else if (small) {
            contentLength(head, whole.length);
            head.write(CRLF);
            head.write(whole);
            connection.write(head);
        } else if (body.length() > 0) {
            contentLength(head, body.length());
            head.write(CRLF);
            connection.write(head);
            streamWithLength(connection, body);
        } else {
            head.write(CHUNKED);
            head.write(CRLF);
            connection.write(head);
            streamChunked(connection, body);
        }
    }

    private static void contentLength(HeadWriter head, long length) {
        head.write(CONTENT_LENGTH).writeDecimal(length).crlf();
    }

    /** Each piece goes out as it arrives: an upload is never held. */
    private static void streamWithLength(UpstreamConnection connection, RequestBody body) {
        byte[] buffer = connection.relayBuffer(body.length());
        long remaining = body.length();
        while (remaining > 0) {
            int read = body.read(buffer);
            if (read < 0) {
                throw new ClientAbortedException(new EOFException("request body ended " + remaining
                        + " bytes before its Content-Length"));
            }
            connection.write(buffer, 0, read);
            remaining -= read;
        }
    }

    private static void streamChunked(UpstreamConnection connection, RequestBody body) {
        byte[] buffer = connection.relayBuffer(0);
        int read;
        while ((read = body.read(buffer)) >= 0) {
            if (read == 0) {
                continue;
            }
            HeadWriter chunk = connection.requestHead();
            chunk.writeHex(read).crlf().write(buffer, 0, read).crlf();
            connection.write(chunk);
        }
        connection.write(LAST_CHUNK, 0, LAST_CHUNK.length);
    }

    private static UpstreamResponse readHead(UpstreamConnection connection, Method method) {
        while (true) {
            ResponseHead head = connection.readHead();
            int code = head.code();
            if (code < 200) {
                if (code == 101) {
                    // Upgrade is a hop-by-hop header Portico never forwards: nobody asked for a protocol switch
                    throw new IllegalStateException("unrequested protocol switch (101)");
                }
                // interim responses (100, 102, 103) are skipped; the final one follows
                continue;
            }
            if (!head.keepsAlive()) {
                connection.doNotReuse();
            }
            return framed(head, method, connection);
        }
    }

    /** Where the body ends (RFC 9112, 6.3). */
    public static UpstreamResponse framed(ResponseHead head, Method method, UpstreamConnection connection) {
        int code = head.code();
        long length = head.contentLength();
        if (method == Method.HEAD || code == 204 || code == 205 || code == 304 || length == 0) {
            return new UpstreamResponse(head, UpstreamResponse.BodyFraming.NONE, 0);
        }
        if (head.hasTransferEncoding()) {
            if (head.chunked()) {
                return new UpstreamResponse(head, UpstreamResponse.BodyFraming.CHUNKED, 0);
            }
            connection.doNotReuse();
            return new UpstreamResponse(head, UpstreamResponse.BodyFraming.UNTIL_CLOSED, 0);
        }
        if (length > 0) {
            return new UpstreamResponse(head, UpstreamResponse.BodyFraming.LENGTH, length);
        }
        connection.doNotReuse();
        return new UpstreamResponse(head, UpstreamResponse.BodyFraming.UNTIL_CLOSED, 0);
    }
}
