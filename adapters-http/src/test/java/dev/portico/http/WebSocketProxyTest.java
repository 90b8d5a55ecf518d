package dev.portico.http;

import dev.portico.domain.model.Route;

import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static dev.portico.http.ProxyServer.route;
import static dev.portico.http.ProxyServer.routes;
import static dev.portico.http.ProxyServer.upstream;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A WebSocket through Portico: the handshake reaches the target, and frames pass both ways unchanged. */
class WebSocketProxyTest {
    private static WebSocketUpstream upstream;
    private static ProxyServer proxy;
    private static HttpClient http;

    @BeforeAll
    static void start() {
        upstream = WebSocketUpstream.start();
        proxy = ProxyServer.start(routes(upstream("ws", upstream.url()),
                route("ws", "/ws/", "ws", true, false, Route.DEFAULT_TIMEOUT)));
        http = HttpClient.newHttpClient();
    }

    @AfterAll
    static void stop() {
        http.close();
        proxy.close();
        upstream.close();
    }

    @BeforeEach
    void forgetEarlierTests() {
        upstream.clear();
    }

    private static URI ws(String path) {
        return URI.create("ws://127.0.0.1:" + proxy.port() + path);
    }

    @Test
    void forwardsTheHandshakeHeadersAndAnswersTheSubprotocolTheTargetChose() throws Exception {
        try (WebSocketClient client = WebSocketClient.connect(http, ws("/ws/echo?room=1"), builder -> builder
                .subprotocols("chat", "superchat")
                .header("Origin", WebSocketUpstream.ORIGIN)
                .header("Cookie", "session=abc"))) {
            Headers seen = upstream.takeHandshake();

            assertThat(client.socket().getSubprotocol()).isEqualTo("chat");
            assertThat(seen.get(HeaderNames.create("Sec-WebSocket-Key")).get()).isNotBlank();
            assertThat(seen.get(HeaderNames.create("Sec-WebSocket-Version")).get()).isEqualTo("13");
            assertThat(seen.get(HeaderNames.create("Sec-WebSocket-Protocol")).allValues(true))
                    .containsExactly("chat", "superchat");
            assertThat(seen.get(HeaderNames.ORIGIN).get()).isEqualTo(WebSocketUpstream.ORIGIN);
            assertThat(seen.get(HeaderNames.COOKIE).get()).isEqualTo("session=abc");
            assertThat(seen.get(HeaderNames.X_FORWARDED_FOR).get()).isEqualTo("127.0.0.1");
            assertThat(seen.get(HeaderNames.X_FORWARDED_PROTO).get()).isEqualTo("http");
            assertThat(seen.get(HeaderNames.VIA).get()).isEqualTo("1.1 portico");
            assertThat(client.echo("hello")).isEqualTo("text:hello");
        }
    }

    @Test
    void answersTheClientWithTheTargetsAcceptKeyAndExtensions() throws Exception {
        try (RawClient client = RawClient.connect(proxy.port())) {
            RawClient.RawResponse response = client.send("GET /ws/echo HTTP/1.1", "Host: example.test",
                    "Upgrade: websocket", "Connection: Upgrade", "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
                    "Sec-WebSocket-Version: 13", "Sec-WebSocket-Extensions: x-portico-test; level=1",
                    "Origin: " + WebSocketUpstream.ORIGIN).readHead();

            assertThat(response.status()).isEqualTo(101);
            // RFC 6455, 1.3: the accept key of this sample nonce
            assertThat(response.header("Sec-WebSocket-Accept")).isEqualTo("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
            assertThat(response.header("Sec-WebSocket-Extensions")).isEqualTo("x-portico-test");
            assertThat(response.header("Upgrade")).isEqualToIgnoringCase("websocket");
            assertThat(upstream.takeHandshake().get(HeaderNames.create("Sec-WebSocket-Extensions")).get())
                    .isEqualTo("x-portico-test; level=1");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"websocket", "WebSocket", "Websocket", "WEBSOCKET"})
    void takesTheUpgradeTokenInTheSpellingsClientsSend(String upgrade) throws Exception {
        try (RawClient client = RawClient.connect(proxy.port())) {
            RawClient.RawResponse response = client.send("GET /ws/echo HTTP/1.1", "Host: example.test",
                    "Upgrade: " + upgrade, "Connection: Upgrade", "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
                    "Sec-WebSocket-Version: 13", "Origin: " + WebSocketUpstream.ORIGIN).readHead();

            assertThat(response.status()).isEqualTo(101);
            assertThat(response.header("Sec-WebSocket-Accept")).isEqualTo("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
            assertThat(upstream.takeHandshake()).isNotNull();
        }
    }

    @Test
    void relaysTextBinaryAndFragmentedMessagesFrameByFrame() throws Exception {
        try (WebSocketClient client = WebSocketClient.connect(http, ws("/ws/echo"))) {
            assertThat(client.echo("grüße ✓")).isEqualTo("text:grüße ✓");
            assertThat(upstream.takeEvent("text")).isEqualTo("text(last=true):grüße ✓");

            byte[] bytes = new byte[70_000];
            new Random(7).nextBytes(bytes);
            client.socket().sendBinary(ByteBuffer.wrap(bytes), true).get(20, TimeUnit.SECONDS);
            assertThat(client.take()).isEqualTo("binary 70000 " + sha256(bytes));

            WebSocket socket = client.socket();
            socket.sendText("one ", false).get(20, TimeUnit.SECONDS);
            socket.sendText("two ", false).get(20, TimeUnit.SECONDS);
            socket.sendText("three", true).get(20, TimeUnit.SECONDS);
            assertThat(client.take()).isEqualTo("text:one two three");
            assertThat(upstream.takeEvent("text")).isEqualTo("text(last=false):one ");
            assertThat(upstream.takeEvent("text")).isEqualTo("text(last=false):two ");
            assertThat(upstream.takeEvent("text")).isEqualTo("text(last=true):three");
        }
    }

    @Test
    void relaysPingsAndTheTargetsPongs() throws Exception {
        try (WebSocketClient client = WebSocketClient.connect(http, ws("/ws/echo"))) {
            client.socket().sendPing(ByteBuffer.wrap("are you there".getBytes(StandardCharsets.UTF_8)))
                    .get(20, TimeUnit.SECONDS);

            assertThat(upstream.takeEvent("ping")).isEqualTo("ping are you there");
            assertThat(client.take()).isEqualTo("pong are you there");
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1000, 1001, 3000, 4999})
    void carriesTheClientsCloseCodeAndReasonToTheTargetAndItsAnswerBack(int code) throws Exception {
        try (WebSocketClient client = WebSocketClient.connect(http, ws("/ws/echo"))) {
            client.socket().sendClose(code, "bye from client " + code).get(20, TimeUnit.SECONDS);

            assertThat(upstream.takeEvent("close")).isEqualTo("close " + code + " bye from client " + code);
            assertThat(client.take()).isEqualTo("close " + code + " bye from client " + code);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1000, 1001, 3000, 4999})
    void carriesTheTargetsCloseCodeAndReasonToTheClient(int code) throws Exception {
        try (WebSocketClient client = WebSocketClient.connect(http, ws("/ws/echo"))) {
            client.socket().sendText("cmd:close " + code + " bye from target " + code, true)
                    .get(20, TimeUnit.SECONDS);

            assertThat(client.take()).isEqualTo("close " + code + " bye from target " + code);
            // the JDK client answers with the same code, which reaches the target
            assertThat(upstream.takeEvent("close")).startsWith("close " + code);
        }
    }

    /**
     * Client to target as sixteen 1 MiB fragments: Helidon's WebSocket server unmasks a client frame byte by byte across
     * its read buffers, which takes minutes for one 16 MiB frame (the relay does not look into frames: a direct
     * connection is as slow). Target to client as one 16 MiB frame.
     */
    @Test
    void carriesA16MiBBinaryMessageBothWaysUnchanged() throws Exception {
        byte[] message = new byte[16 * 1024 * 1024];
        new Random(16).nextBytes(message);
        String hash = sha256(message);
        try (WebSocketClient client = WebSocketClient.connect(http, ws("/ws/echo"))) {
            for (int i = 0; i < 16; i++) {
                client.socket().sendBinary(ByteBuffer.wrap(message, i << 20, 1 << 20), i == 15)
                        .get(60, TimeUnit.SECONDS);
            }
            assertThat(upstream.takeEvent("binary")).isEqualTo("binary " + message.length + " " + hash);
            assertThat(client.take()).isEqualTo("binary " + message.length + " " + hash);

            client.socket().sendText("cmd:send-16MiB", true).get(20, TimeUnit.SECONDS);
            assertThat(client.take()).isEqualTo("binary " + message.length + " " + hash);
        }
    }

    @Test
    void passesAnAnswerOtherThan101ThroughAsAResponse() throws Exception {
        try (RawUpstream refusing = RawUpstream.start(RawUpstream.answering(403, "no websockets for you",
                "X-Refused-By: target"));
             ProxyServer refusingProxy = ProxyServer.start(ProxyServer.everythingTo(refusing.url()));
             RawClient client = RawClient.connect(refusingProxy.port())) {
            RawClient.RawResponse response = client.send("GET /chat HTTP/1.1", "Host: example.test",
                    "Upgrade: websocket", "Connection: Upgrade", "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
                    "Sec-WebSocket-Version: 13").read("GET");

            assertThat(response.status()).isEqualTo(403);
            assertThat(response.header("X-Refused-By")).isEqualTo("target");
            assertThat(new String(response.body(), StandardCharsets.UTF_8)).isEqualTo("no websockets for you");
            RawUpstream.RecordedRequest received = refusing.takeRequest();
            assertThat(received.header("Upgrade")).isEqualTo("websocket");
            assertThat(received.header("Sec-WebSocket-Key")).isEqualTo("dGhlIHNhbXBsZSBub25jZQ==");

            URI uri = URI.create("ws://127.0.0.1:" + refusingProxy.port() + "/chat");
            assertThatThrownBy(() -> WebSocketClient.connect(http, uri))
                    .isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOfSatisfying(WebSocketHandshakeException.class,
                            e -> assertThat(e.getResponse().statusCode()).isEqualTo(403));
        }
    }

    @Test
    void answersUpgradesWithoutARouteOrWithADotSegmentAsAnyOtherRequest() throws Exception {
        try (RawClient client = RawClient.connect(proxy.port());
             RawClient dots = RawClient.connect(proxy.port())) {
            RawClient.RawResponse noRoute = client.send("GET /elsewhere HTTP/1.1", "Host: example.test",
                    "Upgrade: websocket", "Connection: Upgrade", "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
                    "Sec-WebSocket-Version: 13").read("GET");
            RawClient.RawResponse dotSegment = dots.send("GET /ws/../admin HTTP/1.1", "Host: example.test",
                    "Upgrade: websocket", "Connection: Upgrade", "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
                    "Sec-WebSocket-Version: 13").read("GET");

            assertThat(noRoute.status()).isEqualTo(404);
            assertThat(dotSegment.status()).isEqualTo(400);
        }
    }

    @Test
    void answers502WhenTheTargetCannotBeReached() throws Exception {
        int closedPort;
        try (java.net.ServerSocket unused = new java.net.ServerSocket(0)) {
            closedPort = unused.getLocalPort();
        }
        try (ProxyServer unreachable = ProxyServer.start(ProxyServer.everythingTo("http://127.0.0.1:" + closedPort), ProxyServer.DETAILED);
             RawClient client = RawClient.connect(unreachable.port())) {
            RawClient.RawResponse response = client.send("GET /chat HTTP/1.1", "Host: example.test",
                    "Upgrade: websocket", "Connection: Upgrade", "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
                    "Sec-WebSocket-Version: 13").read("GET");

            assertThat(response.status()).isEqualTo(502);
            assertThat(new String(response.body(), StandardCharsets.UTF_8))
                    .isEqualTo("502 Bad Gateway: upstream 'app' could not be reached\n");
        }
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
