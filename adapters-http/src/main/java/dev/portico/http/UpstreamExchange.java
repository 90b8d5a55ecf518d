package dev.portico.http;

import io.helidon.common.buffers.BufferData;
import io.helidon.common.buffers.DataReader;
import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.http.WritableHeaders;

import java.io.EOFException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/**
 * Writes one HTTP/1.1 request to an upstream connection and reads the head of its response with Helidon's reader
 * (its header lines validated and kept as bytes, see {@link UpstreamHeader}), without the webclient's per-request machinery, which
 * bench/NOTES.md measured at a quarter of Portico's Java time. The request goes out in one write when its body is small; interim responses (100, 102, 103)
 * are skipped, as nginx does, and the first final response is returned.
 */
final class UpstreamExchange {
    /** Helidon's webclient defaults: a status line and a header section that large are not HTTP worth relaying. */
    static final int MAX_STATUS_LINE = 256;
    static final int MAX_HEADERS_SIZE = 16 * 1024;

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
    static UpstreamResponse exchange(UpstreamConnection connection, UpstreamCall.Outbound outbound) {
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
        BufferData head = connection.requestBuffer();
        head.writeAscii(outbound.method().text());
        head.write(' ');
        head.writeAscii(outbound.rawTarget());
        head.write(HTTP_1_1_CRLF);
        outbound.headers().writeTo(head);
        if (body == null) {
            // RFC 9110, 8.6: a request whose method gives content a meaning says it has none
            if (outbound.method() == Method.POST || outbound.method() == Method.PUT
                    || outbound.method() == Method.PATCH) {
                head.write(CONTENT_LENGTH_0);
            }
            head.write(CRLF);
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

    private static void contentLength(BufferData head, long length) {
        head.write(CONTENT_LENGTH);
        head.writeAscii(Long.toString(length));
        head.write(CRLF);
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
            BufferData chunk = BufferData.growing(read + 16);
            chunk.writeAscii(Integer.toHexString(read));
            chunk.write(CRLF);
            chunk.write(buffer, 0, read);
            chunk.write(CRLF);
            connection.write(chunk);
        }
        connection.write(LAST_CHUNK, 0, LAST_CHUNK.length);
    }

    private static UpstreamResponse readHead(UpstreamConnection connection, Method method) {
        DataReader reader = connection.reader();
        while (true) {
            StatusLine statusLine = readStatusLine(reader);
            WritableHeaders<?> headers = readHeaders(reader);
            int code = statusLine.status().code();
            if (code < 200) {
                if (code == 101) {
                    // Upgrade is a hop-by-hop header Portico never forwards: nobody asked for a protocol switch
                    throw new IllegalStateException("unrequested protocol switch (101)");
                }
                continue;
            }
            if (!keepsAlive(statusLine.minorVersion(), headers)) {
                connection.doNotReuse();
            }
            return framed(statusLine.status(), headers, method, connection);
        }
    }

    private static UpstreamResponse framed(Status status, WritableHeaders<?> headers, Method method,
                                           UpstreamConnection connection) {
        int code = status.code();
        boolean hasLength = headers.contains(HeaderNames.CONTENT_LENGTH);
        boolean hasCoding = headers.contains(HeaderNames.TRANSFER_ENCODING);
        if (hasLength && hasCoding) {
            // RFC 9112, 6.3: a message with both is an attack or a broken server; where it ends is unknowable
            throw new IllegalStateException("response with both Content-Length and Transfer-Encoding");
        }
        long length = hasLength ? contentLength(headers.get(HeaderNames.CONTENT_LENGTH)) : -1;
        if (method == Method.HEAD || code == 204 || code == 205 || code == 304 || length == 0) {
            return new UpstreamResponse(status, headers, UpstreamResponse.BodyFraming.NONE, 0);
        }
        if (hasCoding) {
            if (lastCodingIsChunked(headers.get(HeaderNames.TRANSFER_ENCODING))) {
                return new UpstreamResponse(status, headers, UpstreamResponse.BodyFraming.CHUNKED, 0);
            }
            connection.doNotReuse();
            return new UpstreamResponse(status, headers, UpstreamResponse.BodyFraming.UNTIL_CLOSED, 0);
        }
        if (hasLength) {
            return new UpstreamResponse(status, headers, UpstreamResponse.BodyFraming.LENGTH, length);
        }
        connection.doNotReuse();
        return new UpstreamResponse(status, headers, UpstreamResponse.BodyFraming.UNTIL_CLOSED, 0);
    }

    /** One length, or the same one repeated (RFC 9110, 8.6); anything else leaves the body's end unknowable. */
    private static long contentLength(Header header) {
        long length = -1;
        for (String value : header.allValues(true)) {
            long parsed = Long.parseLong(value.strip());
            if (parsed < 0 || (length >= 0 && parsed != length)) {
                throw new IllegalStateException("invalid Content-Length " + header.allValues());
            }
            length = parsed;
        }
        return length;
    }

    private static boolean lastCodingIsChunked(Header codings) {
        List<String> values = codings.allValues(true);
        return !values.isEmpty() && values.getLast().strip().equalsIgnoreCase("chunked");
    }

    private static boolean keepsAlive(int minorVersion, WritableHeaders<?> headers) {
        boolean close = false;
        boolean keepAlive = false;
        if (headers.contains(HeaderNames.CONNECTION)) {
            for (String token : headers.get(HeaderNames.CONNECTION).allValues(true)) {
                String option = token.strip().toLowerCase(Locale.ROOT);
                close |= option.equals("close");
                keepAlive |= option.equals("keep-alive");
            }
        }
        return minorVersion >= 1 ? !close : keepAlive && !close;
    }

    /** The header section up to its empty line, each line validated and kept as bytes ({@link UpstreamHeader}). */
    private static WritableHeaders<?> readHeaders(DataReader reader) {
        WritableHeaders<?> headers = WritableHeaders.create();
        int left = MAX_HEADERS_SIZE;
        while (true) {
            int end = reader.findNewLine(left);
            if (end == left) {
                throw new IllegalStateException("response header section larger than " + MAX_HEADERS_SIZE + " bytes");
            }
            if (end == 0) {
                reader.skip(2);
                return headers;
            }
            byte[] line = reader.readBytes(end);
            reader.skip(2);
            left -= end + 2;
            headers.add(UpstreamHeader.parse(line));
        }
    }

    private record StatusLine(int minorVersion, Status status) {
    }

    /** {@code HTTP/1.x NNN reason}, with its CRLF. */
    private static StatusLine readStatusLine(DataReader reader) {
        int end = reader.findNewLine(MAX_STATUS_LINE);
        if (end == MAX_STATUS_LINE) {
            throw new IllegalStateException("HTTP response did not start with a status line");
        }
        byte[] line = reader.readBytes(end);
        reader.skip(2);
        if (line.length < 12 || line[0] != 'H' || line[1] != 'T' || line[2] != 'T' || line[3] != 'P' || line[4] != '/'
                || line[5] != '1' || line[6] != '.' || (line[7] != '0' && line[7] != '1') || line[8] != ' '
                || (line.length > 12 && line[12] != ' ')) {
            throw new IllegalStateException("HTTP response did not start with an HTTP/1.x status line");
        }
        int code = digit(line[9]) * 100 + digit(line[10]) * 10 + digit(line[11]);
        if (code < 100 || code > 599) {
            throw new IllegalStateException("HTTP response with status " + code);
        }
        String reason = line.length > 13 ? new String(line, 13, line.length - 13, StandardCharsets.ISO_8859_1) : null;
        return new StatusLine(line[7] - '0', Status.create(code, reason));
    }

    private static int digit(byte b) {
        if (b < '0' || b > '9') {
            throw new IllegalStateException("HTTP response with a status code that is not three digits");
        }
        return b - '0';
    }
}
