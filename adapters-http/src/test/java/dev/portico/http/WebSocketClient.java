package dev.portico.http;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * The JDK's WebSocket client, recording what it receives as short strings: {@code text:<whole message>},
 * {@code binary <bytes> <sha-256>}, {@code pong <payload>}, {@code close <code> <reason>}, {@code error <exception>}.
 */
final class WebSocketClient implements WebSocket.Listener, AutoCloseable {
    private final BlockingQueue<String> events = new LinkedBlockingQueue<>();
    private final StringBuilder text = new StringBuilder();
    private MessageDigest digest = WebSocketUpstream.sha256();
    private long binaryBytes;
    private WebSocket socket;

    static WebSocketClient connect(HttpClient http, URI uri) throws Exception {
        return connect(http, uri, builder -> builder);
    }

    static WebSocketClient connect(HttpClient http, URI uri, UnaryOperator<WebSocket.Builder> options)
            throws Exception {
        WebSocketClient client = new WebSocketClient();
        client.socket = options.apply(http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10)))
                .buildAsync(uri, client).get(20, TimeUnit.SECONDS);
        return client;
    }

    WebSocket socket() {
        return socket;
    }

    /** The next event, waiting up to twenty seconds. */
    String take() throws InterruptedException {
        String event = events.poll(20, TimeUnit.SECONDS);
        if (event == null) {
            throw new AssertionError("the WebSocket client received nothing more");
        }
        return event;
    }

    /** Whether nothing arrives within {@code wait}. */
    boolean silentFor(Duration wait) throws InterruptedException {
        return events.poll(wait.toMillis(), TimeUnit.MILLISECONDS) == null;
    }

    /** Sends a whole text message and returns the next event, normally its echo. */
    String echo(String message) throws Exception {
        socket.sendText(message, true).get(20, TimeUnit.SECONDS);
        return take();
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        text.append(data);
        if (last) {
            events.add("text:" + text);
            text.setLength(0);
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
        binaryBytes += data.remaining();
        digest.update(data);
        if (last) {
            events.add("binary " + binaryBytes + " " + HexFormat.of().formatHex(digest.digest()));
            digest = WebSocketUpstream.sha256();
            binaryBytes = 0;
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onPong(WebSocket webSocket, ByteBuffer message) {
        byte[] bytes = new byte[message.remaining()];
        message.get(bytes);
        events.add("pong " + new String(bytes, StandardCharsets.UTF_8));
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        events.add("close " + statusCode + " " + reason);
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        events.add("error " + error);
    }

    @Override
    public void close() {
        if (socket != null) {
            socket.abort();
        }
    }
}
