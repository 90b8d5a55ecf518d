package dev.portico.http;

import dev.portico.http.client.ClientLimits;
import dev.portico.http.tls.TestPki;

import io.helidon.common.tls.Tls;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static dev.portico.http.ProxyServer.everythingTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What one client may hold of the proxy, and for how long: every wait for a client has a deadline, and every count
 * a limit past which the client is refused at once, while everyone else is still served. The timeouts here are short
 * (a few hundred milliseconds) so that each shows within a second; the defaults are nginx's.
 */
class ClientLimitsTest {
    private static final Duration SHORT = Duration.ofMillis(400);
    /** A deadline is acted on within a tenth of the shortest timeout; the rest is the machine's slack. */
    private static final Duration SHED_WITHIN = Duration.ofSeconds(3);

    private static ProxySettings timeouts(Duration header, Duration body, Duration keepAlive, Duration send) {
        return ProxySettings.defaults().withClients(ClientLimits.defaults()
                .withTimeouts(header, body, keepAlive, send));
    }

    private static final ProxySettings SHORT_TIMEOUTS = timeouts(SHORT, SHORT, SHORT, SHORT);

    /** Whether the proxy closes the connection within {@link #SHED_WITHIN}, and how long that took. */
    private static Duration closesWithin(Socket socket) throws IOException {
        long started = System.nanoTime();
        socket.setSoTimeout((int) SHED_WITHIN.toMillis());
        InputStream in = socket.getInputStream();
        try {
            while (in.read() >= 0) {
                // whatever it says before closing
            }
        } catch (SocketException reset) {
            // closed by a reset: closed all the same
        }
        return Duration.ofNanos(System.nanoTime() - started);
    }

    private static Socket connect(int port) throws IOException {
        return new Socket(InetAddress.getLoopbackAddress(), port);
    }

    private static void send(Socket socket, String text) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    @Test
    void shedsConnectionsThatSendNothingHalfARequestLineOrPartOfTheHeaders() throws Exception {
        try (RawUpstream upstream = RawUpstream.start(RawUpstream.answering(200, "ok"));
             ProxyServer proxy = ProxyServer.start(everythingTo(upstream.url()), SHORT_TIMEOUTS);
             Socket silent = connect(proxy.port());
             Socket halfLine = connect(proxy.port());
             Socket partHeaders = connect(proxy.port())) {
            send(halfLine, "GET /slow");
            send(partHeaders, "GET / HTTP/1.1\r\nHost: h\r\nX-A: 1\r\n");

            assertThat(closesWithin(silent)).isLessThan(SHED_WITHIN);
            assertThat(closesWithin(halfLine)).isLessThan(SHED_WITHIN);
            assertThat(closesWithin(partHeaders)).isLessThan(SHED_WITHIN);
            assertThat(upstream.received()).isEmpty();
            awaitNoClientConnections(proxy);
        }
    }

    @Test
    void shedsAClientTricklingItsHeadAByteAtATimeWithinTheHeaderTimeout() throws Exception {
        try (RawUpstream upstream = RawUpstream.start(RawUpstream.answering(200, "ok"));
             ProxyServer proxy = ProxyServer.start(everythingTo(upstream.url()), SHORT_TIMEOUTS);
             Socket slowloris = connect(proxy.port())) {
            long started = System.nanoTime();
            byte[] head = ("GET / HTTP/1.1\r\nHost: h\r\n" + "X-Pad: 1\r\n".repeat(100)).getBytes(StandardCharsets.US_ASCII);
            try {
                for (byte b : head) {
                    slowloris.getOutputStream().write(b);
                    Thread.sleep(20);
                }
            } catch (SocketException closed) {
                // the proxy closed the connection before the head was complete
            }
            Duration took = Duration.ofNanos(System.nanoTime() - started);

            // each byte came well within any gap, but the whole head never did
            assertThat(took).isLessThan(SHED_WITHIN.plus(SHORT));
            assertThat(upstream.received()).isEmpty();
        }
    }

    @Test
    void shedsARequestWhoseBodyStopsComing() throws Exception {
        try (RawUpstream upstream = RawUpstream.start(RawUpstream.answering(200, "ok"));
             ProxyServer proxy = ProxyServer.start(everythingTo(upstream.url()), SHORT_TIMEOUTS);
             Socket client = connect(proxy.port())) {
            send(client, "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 100\r\n\r\n");

            assertThat(closesWithin(client)).isLessThan(SHED_WITHIN);
            awaitNoClientConnections(proxy);
        }
    }

    @Test
    void closesAnIdleKeptAliveConnectionAfterTheKeepAliveTimeoutButNotBefore() throws Exception {
        ProxySettings settings = timeouts(Duration.ofSeconds(30), Duration.ofSeconds(30), Duration.ofMillis(600),
                Duration.ofSeconds(30));
        try (RawUpstream upstream = RawUpstream.start(RawUpstream.answering(200, "ok"));
             ProxyServer proxy = ProxyServer.start(everythingTo(upstream.url()), settings);
             RawClient client = RawClient.connect(proxy.port())) {
            for (int i = 0; i < 3; i++) {
                // each pause is shorter than the timeout: the connection stays
                assertThat(client.send("GET / HTTP/1.1", "Host: h").read("GET").status()).isEqualTo(200);
                Thread.sleep(200);
            }
            long started = System.nanoTime();

            assertThat(client.closedByPeer()).isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(SHED_WITHIN);
        }
    }

    @Test
    void closesTheConnectionOfAClientThatStopsReadingItsResponse() throws Exception {
        byte[] large = new byte[64 * 1024 * 1024];
        try (RawUpstream upstream = RawUpstream.start((request, conversation) -> {
            conversation.write("HTTP/1.1 200 OK\r\nContent-Length: " + large.length + "\r\n\r\n");
            conversation.out().write(large);
            conversation.out().flush();
        });
             ProxyServer proxy = ProxyServer.start(everythingTo(upstream.url()), SHORT_TIMEOUTS);
             Socket client = connect(proxy.port())) {
            client.setReceiveBufferSize(4096);
            send(client, "GET /big HTTP/1.1\r\nHost: h\r\n\r\n");

            // never read: the proxy's writes block until the send timeout ends the connection
            awaitNoClientConnections(proxy);
        }
    }

    @Test
    void closesATlsHandshakeThatStalls() throws Exception {
        TestPki.Leaf leaf = TestPki.create().leaf(TestPki.KeyKind.EC, "localhost");
        try (RawUpstream upstream = RawUpstream.start(RawUpstream.answering(200, "ok"));
             ProxyServer proxy = ProxyServer.start(everythingTo(upstream.url()), SHORT_TIMEOUTS,
                     listener -> listener.tls(Tls.builder().privateKey(leaf.keys().getPrivate())
                             .privateKeyCertChain(List.of(leaf.certificate())).build()));
             Socket silent = connect(proxy.port());
             Socket partHello = connect(proxy.port())) {
            // the first bytes of a TLS record header, then nothing
            partHello.getOutputStream().write(new byte[] {0x16, 0x03, 0x01});

            assertThat(closesWithin(silent)).isLessThan(SHED_WITHIN);
            assertThat(closesWithin(partHello)).isLessThan(SHED_WITHIN);
            awaitNoClientConnections(proxy);
        }
    }

    @Test
    void closesAnIdleHttp2ConnectionButNotOneWaitingForItsUpstream() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (RawUpstream upstream = RawUpstream.start((request, conversation) -> {
            if (request.target().equals("/slow")) {
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            conversation.send(200, "done " + request.target());
        });
             ProxyServer proxy = ProxyServer.start(everythingTo(upstream.url()), SHORT_TIMEOUTS)) {
            // the JDK client speaks h2c only by upgrade, which Portico declines: prior knowledge from a raw socket
            try (Socket idle = connect(proxy.port())) {
                send(idle, "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");
                idle.getOutputStream().write(new byte[] {0, 0, 0, 4, 0, 0, 0, 0, 0});
                assertThat(closesWithin(idle)).isLessThan(SHED_WITHIN);
            }
            // a stream open longer than the idle timeout: the connection stays until it is answered
            try (H2cStream waiting = H2cStream.get(proxy.port(), "/slow")) {
                Thread.sleep(3 * SHORT.toMillis());
                release.countDown();
                assertThat(waiting.responseData()).contains("done /slow");
            }
        }
    }

    @Test
    void refusesNewConnectionsWhenTheListenerIsFullOfBusyOnesAndServesThose() throws Exception {
        ProxySettings settings = ProxySettings.defaults().withClients(ClientLimits.defaults()
                .withCounts(3, 1024, 128));
        try (RawUpstream upstream = RawUpstream.start(RawUpstream.answering(200, "ok"));
             ProxyServer proxy = ProxyServer.start(everythingTo(upstream.url()), settings)) {
            List<RawClient> busy = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                busy.add(RawClient.connect(proxy.port()).sendText("GET / HTTP/1.1\r\n"));
            }
            awaitClientConnections(proxy, 3);
            try (RawClient refused = RawClient.connect(proxy.port())) {
                assertThat(refused.closedByPeer()).isTrue();
            }
            // the three are served as ever
            for (RawClient client : busy) {
                assertThat(client.sendText("Host: h\r\n\r\n").read("GET").status()).isEqualTo(200);
            }
            busy.removeFirst().close();
            awaitClientConnections(proxy, 2);
            try (RawClient admitted = RawClient.connect(proxy.port())) {
                assertThat(admitted.send("GET / HTTP/1.1", "Host: h").read("GET").status()).isEqualTo(200);
            }
            for (RawClient client : busy) {
                client.close();
            }
        }
    }

    @Test
    void closesAConnectionWaitingForARequestToMakeRoomForANewOneWhenTheListenerIsFull() throws Exception {
        ProxySettings settings = ProxySettings.defaults().withClients(ClientLimits.defaults()
                .withCounts(3, 1024, 128));
        try (RawUpstream upstream = RawUpstream.start(RawUpstream.answering(200, "ok"));
             ProxyServer proxy = ProxyServer.start(everythingTo(upstream.url()), settings);
             RawClient busy = RawClient.connect(proxy.port());
             RawClient idleAfterARequest = RawClient.connect(proxy.port());
             RawClient idleFromTheStart = RawClient.connect(proxy.port())) {
            busy.sendText("GET / HTTP/1.1\r\n");
            assertThat(idleAfterARequest.send("GET / HTTP/1.1", "Host: h").read("GET").status()).isEqualTo(200);
            awaitClientConnections(proxy, 3);

            try (RawClient newcomer = RawClient.connect(proxy.port())) {
                assertThat(newcomer.send("GET / HTTP/1.1", "Host: h").read("GET").status()).isEqualTo(200);
            }

            // both idle ones made room (nginx's reusable connections); the one mid-request was kept
            assertThat(idleAfterARequest.closedByPeer()).isTrue();
            assertThat(idleFromTheStart.closedByPeer()).isTrue();
            assertThat(busy.sendText("Host: h\r\n\r\n").read("GET").status()).isEqualTo(200);
        }
    }

    @Test
    void answers503AtOnceToRequestsPastTheLimitOfRequestsInFlight() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        ProxySettings settings = ProxySettings.defaults().withClients(ClientLimits.defaults()
                .withCounts(2048, 2, 128));
        try (RawUpstream upstream = RawUpstream.start((request, conversation) -> {
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            conversation.send(200, "ok");
        });
             ProxyServer proxy = ProxyServer.start(everythingTo(upstream.url()), settings);
             HttpClient client = HttpClient.newHttpClient()) {
            HttpRequest request = HttpRequest.newBuilder(proxy.uri("/")).build();
            List<Future<HttpResponse<String>>> inFlight = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                inFlight.add(client.sendAsync(request, HttpResponse.BodyHandlers.ofString()));
            }
            awaitAccepted(upstream, 2);
            long started = System.nanoTime();

            HttpResponse<String> third = client.send(request, HttpResponse.BodyHandlers.ofString());

            assertThat(third.statusCode()).isEqualTo(503);
            assertThat(third.body()).isEqualTo("503 Service Unavailable: too many requests in progress; try again\n");
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
            release.countDown();
            for (Future<HttpResponse<String>> response : inFlight) {
                assertThat(response.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
            }
            assertThat(client.send(request, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
        }
    }

    private static void awaitAccepted(RawUpstream upstream, int connections) {
        await().atMost(Duration.ofSeconds(10)).until(() -> upstream.acceptedConnections() >= connections);
    }

    private static void awaitNoClientConnections(ProxyServer proxy) {
        awaitClientConnections(proxy, 0);
    }

    private static void awaitClientConnections(ProxyServer proxy, int count) {
        await().atMost(SHED_WITHIN.plusSeconds(2)).untilAsserted(() ->
                assertThat(proxy.proxy.openClientConnections()).isEqualTo(count));
    }
}
