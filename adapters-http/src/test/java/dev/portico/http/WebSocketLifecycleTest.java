package dev.portico.http;

import dev.portico.domain.model.Configuration;
import dev.portico.domain.model.Route;
import dev.portico.domain.model.Target;
import dev.portico.domain.model.Upstream;
import dev.portico.domain.port.ResolveRoute;
import dev.portico.domain.routing.RoutingDecision;
import dev.portico.domain.routing.RoutingTable;
import dev.portico.domain.validation.Validated;

import io.helidon.common.tls.Tls;
import io.helidon.http.HeaderNames;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import static dev.portico.http.ProxyServer.route;
import static dev.portico.http.ProxyServer.upstream;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** How proxied WebSockets end: with either peer, when idle, when their route or target goes; and wss. */
class WebSocketLifecycleTest {
    private static final Duration NO_IDLE_TIMEOUT = Proxy.DEFAULT_WEBSOCKET_IDLE_TIMEOUT;

    @TempDir
    static Path directory;

    @Test
    void closesTheTargetsConnectionWhenTheClientsConnectionEnds() throws Exception {
        // a raw client: its connection ends when the test closes it (the JDK client's abort() closes its connection
        // asynchronously, and its close() then waited for it once, under load, until the build's limit)
        try (RawWebSocketTarget target = RawWebSocketTarget.start(false);
             ProxyServer proxy = ProxyServer.start(ProxyServer.everythingTo(target.url()))) {
            RawClient client = RawClient.connect(proxy.port());
            RawClient.RawResponse upgraded = client.send("GET /chat HTTP/1.1", "Host: example.test",
                    "Upgrade: websocket", "Connection: Upgrade", "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
                    "Sec-WebSocket-Version: 13").readHead();
            assertThat(upgraded.status()).isEqualTo(101);
            assertThat(target.take()).isEqualTo("upgraded");
            // the pair counts as open once its relay runs, which may be just after the 101 reached the client
            await(() -> proxy.proxy.openWebSockets() == 1);

            client.close();

            assertThat(target.take()).isEqualTo("connection ended");
            await(() -> proxy.proxy.openWebSockets() == 0);
        }
    }

    @Test
    void closesTheClientsConnectionWhenTheTargetsConnectionEnds() throws Exception {
        try (RawWebSocketTarget target = RawWebSocketTarget.start(true);
             ProxyServer proxy = ProxyServer.start(ProxyServer.everythingTo(target.url()));
             HttpClient http = HttpClient.newHttpClient();
             WebSocketClient client = WebSocketClient.connect(http, ws(proxy, "/chat"))) {

            // the JDK reports a connection that ended without a close frame as an error, or as close 1006
            assertThat(client.take()).matches("error .*|close 1006.*");
            await(() -> proxy.proxy.openWebSockets() == 0);
        }
    }

    @Test
    void closesAPairIdleLongerThanItsTimeoutWith1001ToBothSides() throws Exception {
        try (WebSocketUpstream upstream = WebSocketUpstream.start();
             ProxyServer proxy = ProxyServer.start(ProxyServer.everythingTo(upstream.url()), ProxySettings.defaults(),
                     listener -> { }, Duration.ofMillis(400));
             HttpClient http = HttpClient.newHttpClient();
             WebSocketClient idle = WebSocketClient.connect(http, ws(proxy, "/echo"));
             WebSocketClient busy = WebSocketClient.connect(http, ws(proxy, "/echo"))) {

            for (int i = 0; i < 8; i++) {
                assertThat(busy.echo("keeps me open " + i)).isEqualTo("text:keeps me open " + i);
                Thread.sleep(150);
            }
            assertThat(idle.take()).isEqualTo("close 1001 idle timeout");
            assertThat(upstream.takeEvent("close")).isEqualTo("close 1001 idle timeout");
        }
    }

    @Test
    void anOpenWebSocketCountsAgainstItsTargetsConnectionLimitUntilItCloses() throws Exception {
        try (WebSocketUpstream upstream = WebSocketUpstream.start()) {
            List<Upstream.TargetSpec> oneSlot = List.of(new Upstream.TargetSpec(upstream.url(), 1, 1, null));
            Upstream limited = switch (Upstream.parse("app", oneSlot)) {
                case Validated.Valid<Upstream> valid -> valid.value();
                case Validated.Invalid<Upstream> invalid -> throw new AssertionError(invalid.errors().toString());
            };
            try (ProxyServer proxy = ProxyServer.start(ProxyServer.routes(limited, route("all", "/", "app")));
                 HttpClient http = HttpClient.newHttpClient()) {
                try (WebSocketClient first = WebSocketClient.connect(http, ws(proxy, "/echo"))) {
                    assertThat(first.echo("one")).isEqualTo("text:one");

                    // the JDK client reports a refused handshake by its status only
                    assertThatThrownBy(() -> WebSocketClient.connect(http, ws(proxy, "/echo")).close())
                            .hasStackTraceContaining("Unexpected HTTP response status code 503");
                }
                await(() -> proxy.proxy.openWebSockets() == 0);
                try (WebSocketClient again = WebSocketClient.connect(http, ws(proxy, "/echo"))) {
                    assertThat(again.echo("two")).isEqualTo("text:two");
                }
            }
        }
    }

    @Test
    void aWebSocketOfAnUpstreamHashingOnACookieGoesToTheTargetOfItsSession() throws Exception {
        try (WebSocketUpstream a = WebSocketUpstream.start(); WebSocketUpstream b = WebSocketUpstream.start()) {
            Upstream hashed = switch (Upstream.parse("app", new Upstream.UpstreamSpec(List.of(
                    new Upstream.TargetSpec(a.url(), 1), new Upstream.TargetSpec(b.url(), 1)),
                    "hash", "cookie:session", null, null, null))) {
                case Validated.Valid<Upstream> valid -> valid.value();
                case Validated.Invalid<Upstream> invalid -> throw new AssertionError(invalid.errors().toString());
            };
            try (ProxyServer proxy = ProxyServer.start(ProxyServer.routes(hashed, route("all", "/", "app")));
                 HttpClient http = HttpClient.newHttpClient()) {
                Set<Boolean> targetsUsed = new HashSet<>();
                for (int session = 0; session < 16; session++) {
                    String cookie = "theme=dark; session=s" + session;
                    boolean first = opensOnA(http, proxy, cookie, a);
                    assertThat(opensOnA(http, proxy, cookie, a)).as("session s%d", session).isEqualTo(first);
                    targetsUsed.add(first);
                }
                assertThat(targetsUsed).as("sessions spread over both targets").containsExactlyInAnyOrder(true, false);
            }
        }
    }

    /** Opens a WebSocket with this Cookie header and says whether target {@code a} took it. */
    private static boolean opensOnA(HttpClient http, ProxyServer proxy, String cookie, WebSocketUpstream a)
            throws Exception {
        int before = a.opened.get();
        try (WebSocketClient client = WebSocketClient.connect(http, ws(proxy, "/echo"),
                builder -> builder.header("Cookie", cookie))) {
            assertThat(client.echo("hi")).isEqualTo("text:hi");
        }
        return a.opened.get() > before;
    }

    @Test
    void keepsWebSocketsOpenAcrossOtherChangesAndClosesThemWith1001WhenTheirRouteIsDeleted() throws Exception {
        int sockets = 100;
        try (WebSocketUpstream upstream = WebSocketUpstream.start();
             HttpClient http = HttpClient.newHttpClient()) {
            Upstream chat = upstream("chat", upstream.url());
            Upstream other = upstream("other", "http://127.0.0.1:9");
            Route chatRoute = route("chat", "/chat/", "chat", true, false, Route.DEFAULT_TIMEOUT);
            Route otherRoute = route("other", "/other/", "other");
            SwitchableRoutes routes = new SwitchableRoutes(new Configuration(1, List.of(chat, other),
                    List.of(chatRoute, otherRoute)));
            try (ProxyServer proxy = ProxyServer.start(routes)) {
                routes.proxy = proxy.proxy;
                List<WebSocketClient> clients = new ArrayList<>();
                try {
                    for (int i = 0; i < sockets; i++) {
                        clients.add(WebSocketClient.connect(http, ws(proxy, "/chat/echo")));
                    }
                    await(() -> proxy.proxy.openWebSockets() == sockets);

                    // another route changed, one added, the other upstream's targets replaced, this route's timeout changed
                    routes.apply(new Configuration(2,
                            List.of(chat, upstream("other", "http://127.0.0.1:10", "http://127.0.0.1:11")),
                            List.of(route("chat", "/chat/", "chat", true, false, Duration.ofSeconds(5)),
                                    route("other", "/other/v2/", "other"), route("added", "/added/", "other"))));
                    for (int i = 0; i < sockets; i++) {
                        assertThat(clients.get(i).echo("still here " + i)).isEqualTo("text:still here " + i);
                    }
                    assertThat(proxy.proxy.openWebSockets()).isEqualTo(sockets);

                    routes.apply(new Configuration(3, List.of(chat, other), List.of(otherRoute)));
                    for (WebSocketClient client : clients) {
                        assertThat(client.take()).isEqualTo("close 1001 route removed");
                    }
                    for (int i = 0; i < sockets; i++) {
                        assertThat(upstream.takeEvent("close")).isEqualTo("close 1001 route removed");
                    }
                    await(() -> proxy.proxy.openWebSockets() == 0);
                } finally {
                    clients.forEach(WebSocketClient::close);
                }
            }
        }
    }

    @Test
    void closesWebSocketsWith1001WhenTheirTargetIsDrained() throws Exception {
        try (WebSocketUpstream upstream = WebSocketUpstream.start();
             HttpClient http = HttpClient.newHttpClient()) {
            Upstream chat = upstream("chat", upstream.url());
            Route chatRoute = route("chat", "/", "chat");
            SwitchableRoutes routes = new SwitchableRoutes(new Configuration(1, List.of(chat), List.of(chatRoute)));
            try (ProxyServer proxy = ProxyServer.start(routes);
                 WebSocketClient client = WebSocketClient.connect(http, ws(proxy, "/echo"))) {
                routes.proxy = proxy.proxy;
                Target target = chat.targets().getFirst();
                Upstream weighted = new Upstream("chat", List.of(target,
                        new Target("http", "127.0.0.1", 9, "", 3)));
                routes.apply(new Configuration(2, List.of(weighted), List.of(chatRoute)));
                assertThat(client.echo("a second target does not matter")).isEqualTo("text:a second target does not matter");

                Upstream draining = new Upstream("chat", List.of(target.withLimits(0, true)));
                routes.apply(new Configuration(3, List.of(draining), List.of(chatRoute)));

                assertThat(client.take()).isEqualTo("close 1001 target draining");
                assertThat(upstream.takeEvent("close")).isEqualTo("close 1001 target draining");
            }
        }
    }

    @Test
    void relaysWebSocketsOnTheTlsListener() throws Exception {
        KeyStore keys = TlsListenerTest.selfSignedKeyStore(directory.resolve("wss.p12"));
        PrivateKey key = (PrivateKey) keys.getKey("portico", TlsListenerTest.PASSWORD);
        X509Certificate certificate = (X509Certificate) keys.getCertificate("portico");
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(keys);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, trust.getTrustManagers(), null);
        try (WebSocketUpstream upstream = WebSocketUpstream.start();
             ProxyServer proxy = ProxyServer.start(ProxyServer.everythingTo(upstream.url()), ProxySettings.defaults(),
                     listener -> listener.tls(Tls.builder().privateKey(key)
                             .privateKeyCertChain(List.of(certificate)).build()));
             HttpClient http = HttpClient.newBuilder().sslContext(tls).build();
             WebSocketClient client = WebSocketClient.connect(http,
                     URI.create("wss://127.0.0.1:" + proxy.port() + "/echo"))) {

            assertThat(client.echo("over tls")).isEqualTo("text:over tls");
            assertThat(upstream.takeHandshake().get(HeaderNames.X_FORWARDED_PROTO).get()).isEqualTo("https");
            client.socket().sendClose(4999, "done").get(20, TimeUnit.SECONDS);
            assertThat(client.take()).isEqualTo("close 4999 done");
        }
    }

    private static URI ws(ProxyServer proxy, String path) {
        return URI.create("ws://127.0.0.1:" + proxy.port() + path);
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 10 s");
            }
            Thread.sleep(20);
        }
    }

    /** A routing table swapped as the composition root swaps it, telling the proxy after each swap. */
    private static final class SwitchableRoutes implements ResolveRoute {
        private final AtomicReference<RoutingTable> table = new AtomicReference<>();
        volatile Proxy proxy;

        SwitchableRoutes(Configuration configuration) {
            table.set(RoutingTable.build(configuration));
        }

        void apply(Configuration configuration) {
            table.set(RoutingTable.build(configuration));
            proxy.routesChanged(configuration);
        }

        @Override
        public RoutingDecision resolve(String hostHeader, String rawPath) {
            return table.get().resolve(hostHeader, rawPath);
        }
    }

    /**
     * A WebSocket target on a bare socket, to see its connection end: it answers the upgrade with a 101, then either
     * cuts the connection at once or reads until the proxy ends it. Reports "upgraded", then "connection ended".
     */
    private static final class RawWebSocketTarget implements AutoCloseable {
        private final ServerSocket server = new ServerSocket(0);
        private final BlockingQueue<String> events = new LinkedBlockingQueue<>();

        private RawWebSocketTarget(boolean cut) throws Exception {
            Thread.ofVirtual().start(() -> {
                try (Socket socket = server.accept()) {
                    InputStream in = socket.getInputStream();
                    String key = null;
                    String line;
                    while ((line = RawUpstream.readLine(in)) != null && !line.isEmpty()) {
                        if (line.toLowerCase().startsWith("sec-websocket-key:")) {
                            key = line.substring(line.indexOf(':') + 1).strip();
                        }
                    }
                    String accept = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-1")
                            .digest((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").getBytes(StandardCharsets.US_ASCII)));
                    socket.getOutputStream().write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                            + "Connection: Upgrade\r\nSec-WebSocket-Accept: " + accept + "\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
                    events.add("upgraded");
                    if (!cut) {
                        while (in.read() >= 0) {
                            continue;
                        }
                        events.add("connection ended");
                    }
                } catch (Exception e) {
                    events.add("connection ended");
                }
            });
        }

        static RawWebSocketTarget start(boolean cut) throws Exception {
            return new RawWebSocketTarget(cut);
        }

        String url() {
            return "http://127.0.0.1:" + server.getLocalPort();
        }

        String take() throws InterruptedException {
            String event = events.poll(10, TimeUnit.SECONDS);
            if (event == null) {
                throw new AssertionError("the target saw nothing more");
            }
            return event;
        }

        @Override
        public void close() throws Exception {
            server.close();
        }
    }
}
