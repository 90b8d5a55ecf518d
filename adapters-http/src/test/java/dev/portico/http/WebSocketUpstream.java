package dev.portico.http;

import io.helidon.common.buffers.BufferData;
import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.http.WritableHeaders;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http1.Http1Config;
import io.helidon.webserver.websocket.WsConfig;
import io.helidon.webserver.websocket.WsRouting;
import io.helidon.websocket.WsListener;
import io.helidon.websocket.WsSession;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.TimeUnit;

/**
 * A real WebSocket server (Helidon's) as the proxy's target, at {@code /echo}: it echoes every frame as it came
 * (text and binary fragments with their "last" flags, pings as pongs, the close code and reason it gets), and obeys
 * commands sent as text: {@code cmd:close <code> <reason>} closes from the server's side, {@code cmd:send-16MiB}
 * sends one 16 MiB frame. It answers the subprotocol
 * "chat" and the extension "x-portico-test" when offered, and records what it saw as short strings.
 */
final class WebSocketUpstream implements AutoCloseable {
    static final String ORIGIN = "http://app.example.test";
    static final int MAX_FRAME = 20 * 1024 * 1024;

    private final WebServer server;
    private final BlockingQueue<Headers> handshakes = new LinkedBlockingQueue<>();
    private final BlockingQueue<String> events = new LinkedBlockingQueue<>();
    /** WebSockets opened here so far. */
    final AtomicInteger opened = new AtomicInteger();

    private WebSocketUpstream() {
        this.server = WebServer.builder()
                .shutdownHook(false)
                .host("127.0.0.1")
                .port(0)
                .protocolsDiscoverServices(false)
                .addProtocol(Http1Config.create())
                .addProtocol(WsConfig.builder().addOrigin(ORIGIN).maxFrameLength(MAX_FRAME).build())
                .addRouting(WsRouting.builder().endpoint("/echo", Echo::new))
                .build()
                .start();
    }

    static WebSocketUpstream start() {
        return new WebSocketUpstream();
    }

    String url() {
        return "http://127.0.0.1:" + server.port();
    }

    /** The headers of the next upgrade request, waiting up to ten seconds. */
    Headers takeHandshake() throws InterruptedException {
        Headers headers = handshakes.poll(10, TimeUnit.SECONDS);
        if (headers == null) {
            throw new AssertionError("no upgrade request reached the upstream");
        }
        return headers;
    }

    /** The next event, e.g. {@code text(last=false):hel}, {@code binary 16777216 <sha-256>}, {@code close 1000 bye}. */
    String takeEvent() throws InterruptedException {
        String event = events.poll(20, TimeUnit.SECONDS);
        if (event == null) {
            throw new AssertionError("the upstream saw nothing more");
        }
        return event;
    }

    /** The next event starting with {@code prefix}, skipping others. */
    String takeEvent(String prefix) throws InterruptedException {
        while (true) {
            String event = takeEvent();
            if (event.startsWith(prefix)) {
                return event;
            }
        }
    }

    /** Forgets what was seen so far. */
    void clear() {
        handshakes.clear();
        events.clear();
    }

    @Override
    public void close() {
        server.stop();
    }

    private final class Echo implements WsListener {
        private MessageDigest digest = sha256();
        private long binaryBytes;

        @Override
        public Optional<Headers> onHttpUpgrade(HttpPrologue prologue, Headers headers) {
            handshakes.add(headers);
            WritableHeaders<?> answer = WritableHeaders.create();
            if (headers.contains(HeaderNames.create("Sec-WebSocket-Protocol"))
                    && headers.get(HeaderNames.create("Sec-WebSocket-Protocol")).allValues(true).contains("chat")) {
                answer.set(HeaderNames.create("Sec-WebSocket-Protocol"), "chat");
            }
            if (headers.contains(HeaderNames.create("Sec-WebSocket-Extensions"))
                    && headers.get(HeaderNames.create("Sec-WebSocket-Extensions")).get().contains("x-portico-test")) {
                answer.set(HeaderNames.create("Sec-WebSocket-Extensions"), "x-portico-test");
            }
            return Optional.of(answer);
        }

        @Override
        public void onOpen(WsSession session) {
            opened.incrementAndGet();
            events.add("open");
        }

        @Override
        public void onMessage(WsSession session, String text, boolean last) {
            if (last && text.startsWith("cmd:close ")) {
                String[] parts = text.split(" ", 3);
                session.close(Integer.parseInt(parts[1]), parts[2]);
                return;
            }
            if (last && text.equals("cmd:send-16MiB")) {
                // one frame of 16 MiB, the bytes of new Random(16)
                byte[] bytes = new byte[16 * 1024 * 1024];
                new java.util.Random(16).nextBytes(bytes);
                session.send(BufferData.create(bytes), true);
                return;
            }
            events.add("text(last=" + last + "):" + text);
            session.send(text, last);
        }

        @Override
        public void onMessage(WsSession session, BufferData buffer, boolean last) {
            byte[] bytes = new byte[buffer.available()];
            buffer.read(bytes);
            digest.update(bytes);
            binaryBytes += bytes.length;
            if (last) {
                events.add("binary " + binaryBytes + " " + HexFormat.of().formatHex(digest.digest()));
                digest = sha256();
                binaryBytes = 0;
            }
            session.send(BufferData.create(bytes), last);
        }

        @Override
        public void onPing(WsSession session, BufferData buffer) {
            byte[] bytes = new byte[buffer.available()];
            buffer.read(bytes);
            events.add("ping " + new String(bytes, StandardCharsets.UTF_8));
            session.pong(BufferData.create(bytes));
        }

        @Override
        public void onClose(WsSession session, int status, String reason) {
            events.add("close " + status + " " + reason);
            try {
                session.close(status, reason);
            } catch (RuntimeException e) {
                // the peer may be gone already
            }
        }

        @Override
        public void onError(WsSession session, Throwable t) {
            events.add("error " + t);
        }
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
