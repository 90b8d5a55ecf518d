package dev.portico.http.websocket;

import dev.portico.http.forward.ClientWriter;
import dev.portico.http.forward.HeaderRules;
import dev.portico.http.forward.ResponseHeaders;
import dev.portico.http.forward.ResponseRelay;
import dev.portico.http.observe.Correlation;
import dev.portico.http.observe.ExchangeRecord;
import dev.portico.http.upstream.UpstreamConnection;
import dev.portico.http.upstream.UpstreamExchange;
import dev.portico.http.upstream.UpstreamResponse;
import dev.portico.http.wire.HeadWriter;
import dev.portico.http.wire.ResponseHead;

import io.helidon.common.buffers.BufferData;
import io.helidon.http.Headers;
import io.helidon.http.Method;
import io.helidon.webserver.ConnectionContext;

import java.nio.charset.StandardCharsets;
import java.util.function.UnaryOperator;

/**
 * The HTTP/1.1 part of a proxied WebSocket: the upgrade request to the target, the head of its answer, and what the
 * client gets back, written straight to the client's connection because the listener has not made a request of it
 * (the upgrade is taken before routing). Anything but a 101 ends the client's connection after it is relayed
 * ({@code Connection: close}), as the client cannot reuse a connection whose upgrade it expected to succeed.
 */
public final class WebSocketHandshake {
    private static final byte[] HTTP_1_1_CRLF = " HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] UPGRADE = "Connection: Upgrade\r\nUpgrade: websocket\r\n\r\n"
            .getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SWITCHING = "HTTP/1.1 101 Switching Protocols\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CLOSE = "Connection: close\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CRLF = {'\r', '\n'};

    private WebSocketHandshake() {
    }

    /** The client's upgrade request, with its end-to-end headers and Portico's forwarding headers, to the target. */
    public static void sendRequest(UpstreamConnection connection, String method, String rawTarget, Headers client,
                            HeaderRules.Forwarding forwarding, Correlation ids) {
        HeadWriter out = connection.requestHead();
        out.writeLatin1(method).write(' ').writeLatin1(rawTarget).write(HTTP_1_1_CRLF);
        HeaderRules.writeToUpstream(client, out, forwarding, ids);
        out.write(UPGRADE);
        connection.write(out);
    }

    /** The final answer's head; interim answers other than 101 are skipped. Valid while the connection is held. */
    public static ResponseHead readHead(UpstreamConnection connection) {
        while (true) {
            ResponseHead head = connection.readHead();
            if (head.code() >= 200 || head.code() == 101) {
                return head;
            }
        }
    }

    /** The target's 101 to the client, with its Sec-WebSocket-Accept, -Protocol and -Extensions. */
    public static void switchProtocols(ConnectionContext client, ResponseHead head, String requestId) {
        HeadWriter out = new HeadWriter(512).write(SWITCHING);
        ResponseHeaders.headerLines(out, head, new ResponseHeaders.Changes(UnaryOperator.identity(), null, false,
                requestId));
        out.write(UPGRADE);
        ClientWriter.of(client).write(out.array(), 0, out.length());
    }

    /**
     * Relays an answer other than 101 with its body, as any response is relayed, then the client's connection ends.
     *
     * @throws RuntimeException when the target fails before the answer's body began, which can still be answered
     *                          with a 502 or 504
     */
    public static void relayRefusal(ConnectionContext client, ResponseHead head, UpstreamConnection connection,
                             UnaryOperator<String> rewriteLocation, ExchangeRecord record) {
        // the connection was the WebSocket's alone: it closes, never goes to the pool
        connection.doNotReuse();
        UpstreamResponse response = UpstreamExchange.framed(head, Method.GET, connection);
        ResponseRelay.Ending ending = ResponseRelay.toHttp1(response, connection, () -> ClientWriter.of(client), true, false,
                new ResponseHeaders.Changes(rewriteLocation, null, false, record.requestId()), record);
        if (ending instanceof ResponseRelay.Ending.UpstreamFailedBeforeBody(Exception cause)) {
            throw cause instanceof RuntimeException runtime ? runtime : new IllegalStateException(cause);
        }
    }

    /** A reply of Portico's own (404, 502, 503, 504), in the words ErrorReplies uses. */
    public static void reply(ConnectionContext client, int code, String reason, String text, ExchangeRecord record) {
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        record.status(code);
        record.addBytesOut(body.length);
        BufferData out = BufferData.growing(256 + body.length);
        out.writeAscii("HTTP/1.1 " + code + " " + reason + "\r\n");
        out.writeAscii("Content-Type: text/plain; charset=UTF-8\r\n");
        HeaderRules.SERVER.writeHttp1Header(out);
        out.writeAscii("X-Request-Id: " + record.requestId() + "\r\n");
        out.writeAscii("Content-Length: " + body.length + "\r\n");
        out.write(CLOSE);
        out.write(CRLF);
        out.write(body);
        client.dataWriter().writeNow(out);
    }

    /** Whether the target agreed to speak WebSocket: 101 with {@code Upgrade: websocket}. */
    public static boolean upgraded(ResponseHead head) {
        if (head.code() != 101) {
            return false;
        }
        for (int i = 0; i < head.count(); i++) {
            if (head.name(i).equalsIgnoreCase("upgrade")) {
                for (String protocol : head.value(i).split(",")) {
                    if (protocol.strip().equalsIgnoreCase("websocket")) {
                        return true;
                    }
                }
            }
        }
        return false;
    }
}
