package dev.portico.http;

import io.helidon.common.buffers.BufferData;
import io.helidon.common.buffers.DataReader;
import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;
import io.helidon.http.Http1HeadersParser;
import io.helidon.http.WritableHeaders;
import io.helidon.webserver.ConnectionContext;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * The HTTP/1.1 part of a proxied WebSocket: the upgrade request to the target, the head of its answer, and what the
 * client gets back, written straight to the client's connection because the listener has not made a request of it
 * (the upgrade is taken before routing). Anything but a 101 ends the client's connection after it is relayed
 * ({@code Connection: close}), as the client cannot reuse a connection whose upgrade it expected to succeed.
 */
final class WebSocketHandshake {
    private static final byte[] HTTP_1_1_CRLF = " HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] UPGRADE = "Connection: Upgrade\r\nUpgrade: websocket\r\n\r\n"
            .getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SWITCHING = "HTTP/1.1 101 Switching Protocols\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CLOSE = "Connection: close\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CRLF = {'\r', '\n'};

    private WebSocketHandshake() {
    }

    /** The status and headers of the target's answer; its body, if any, is still on the connection. */
    record Head(int code, String reason, WritableHeaders<?> headers) {
    }

    /** The client's upgrade request, with its end-to-end headers and Portico's forwarding headers, to the target. */
    static void sendRequest(UpstreamConnection connection, String method, String rawTarget, Headers client,
                            HeaderRules.Forwarding forwarding) {
        BufferData out = BufferData.growing(1024);
        out.writeAscii(method);
        out.write(' ');
        out.writeAscii(rawTarget);
        out.write(HTTP_1_1_CRLF);
        HeaderRules.writeToUpstream(client, out, forwarding);
        out.write(UPGRADE);
        connection.write(out);
    }

    /** The final answer's head; interim answers other than 101 are skipped. */
    static Head readHead(UpstreamConnection connection) {
        DataReader reader = connection.reader();
        while (true) {
            int end = reader.findNewLine(UpstreamExchange.MAX_STATUS_LINE);
            if (end == UpstreamExchange.MAX_STATUS_LINE) {
                throw new IllegalStateException("HTTP response did not start with a status line");
            }
            String line = reader.readAsciiString(end);
            reader.skip(2);
            if (!line.matches("HTTP/1\\.[01] [1-5][0-9][0-9]( .*)?")) {
                throw new IllegalStateException("HTTP response did not start with an HTTP/1.x status line");
            }
            int code = Integer.parseInt(line.substring(9, 12));
            String reason = line.length() > 13 ? line.substring(13) : "";
            WritableHeaders<?> headers = Http1HeadersParser.readHeaders(reader, UpstreamExchange.MAX_HEADERS_SIZE, true);
            if (code >= 200 || code == 101) {
                return new Head(code, reason, headers);
            }
        }
    }

    /** The target's 101 to the client, with its Sec-WebSocket-Accept, -Protocol and -Extensions. */
    static void switchProtocols(ConnectionContext client, Head head) {
        BufferData out = BufferData.growing(512);
        out.write(SWITCHING);
        writeHeaders(out, head.headers(), UnaryOperator.identity());
        out.write(UPGRADE);
        client.dataWriter().writeNow(out);
    }

    /**
     * Relays an answer other than 101 with its body, then the client's connection ends. A chunked body is sent decoded
     * and delimited by the connection's end.
     */
    static void relayRefusal(ConnectionContext client, Head head, UpstreamConnection connection,
                             UnaryOperator<String> rewriteLocation) {
        BufferData out = BufferData.growing(512);
        out.writeAscii("HTTP/1.1 " + head.code() + (head.reason().isEmpty() ? "" : " " + head.reason()) + "\r\n");
        writeHeaders(out, head.headers(), rewriteLocation);
        out.write(CLOSE);
        out.write(CRLF);
        client.dataWriter().writeNow(out);

        WritableHeaders<?> headers = head.headers();
        int code = head.code();
        if (code == 204 || code == 304) {
            return;
        }
        byte[] buffer = connection.relayBuffer(0);
        if (headers.contains(HeaderNames.CONTENT_LENGTH)) {
            copy(client, connection, buffer, headers.contentLength().orElse(0));
        } else if (headers.contains(HeaderNames.TRANSFER_ENCODING)
                && headers.get(HeaderNames.TRANSFER_ENCODING).allValues(true).getLast().strip()
                .equalsIgnoreCase("chunked")) {
            DataReader reader = connection.reader();
            long size;
            while ((size = Long.parseLong(chunkSize(reader.readLine()), 16)) > 0) {
                copy(client, connection, buffer, size);
                reader.skip(2);
            }
            // trailers, up to the empty line
            while (!reader.readLine().isEmpty()) {
                continue;
            }
        } else {
            int read;
            while ((read = connection.readBody(buffer, 0, buffer.length)) >= 0) {
                client.dataWriter().writeNow(BufferData.create(buffer, 0, read));
            }
        }
    }

    private static String chunkSize(String line) {
        int extension = line.indexOf(';');
        return (extension < 0 ? line : line.substring(0, extension)).strip();
    }

    private static void copy(ConnectionContext client, UpstreamConnection connection, byte[] buffer, long length) {
        long left = length;
        while (left > 0) {
            int read = connection.readBody(buffer, 0, (int) Math.min(buffer.length, left));
            if (read < 0) {
                throw new IllegalStateException("the target closed the connection " + left + " bytes before the end"
                        + " of its answer");
            }
            client.dataWriter().writeNow(BufferData.create(buffer, 0, read));
            left -= read;
        }
    }

    /** A reply of Portico's own (404, 502, 503, 504), in the words ErrorReplies uses. */
    static void reply(ConnectionContext client, int code, String reason, String text) {
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        BufferData out = BufferData.growing(256 + body.length);
        out.writeAscii("HTTP/1.1 " + code + " " + reason + "\r\n");
        out.writeAscii("Content-Type: text/plain; charset=UTF-8\r\n");
        HeaderRules.SERVER.writeHttp1Header(out);
        out.writeAscii("Content-Length: " + body.length + "\r\n");
        out.write(CLOSE);
        out.write(CRLF);
        out.write(body);
        client.dataWriter().writeNow(out);
    }

    private static void writeHeaders(BufferData out, Headers upstream, UnaryOperator<String> rewriteLocation) {
        WritableHeaders<?> toClient = WritableHeaders.create();
        HeaderRules.toClient(upstream, toClient, rewriteLocation);
        for (Header header : toClient) {
            header.writeHttp1Header(out);
        }
    }

    /** Whether the target agreed to speak WebSocket: 101 with {@code Upgrade: websocket}. */
    static boolean upgraded(Head head) {
        if (head.code() != 101 || !head.headers().contains(HeaderNames.UPGRADE)) {
            return false;
        }
        List<String> values = head.headers().get(HeaderNames.UPGRADE).allValues(true);
        return values.stream().anyMatch(value -> value.strip().equalsIgnoreCase("websocket"));
    }
}
