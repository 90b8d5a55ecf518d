package dev.portico.http;

import dev.portico.domain.model.Route;
import dev.portico.http.observe.ExchangeRecord;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;

import static dev.portico.http.ProxyServer.route;
import static dev.portico.http.ProxyServer.routes;
import static dev.portico.http.ProxyServer.upstream;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What the access log and the metrics hear of each exchange, and the request id and trace context on the wire: raw
 * bytes in, then the record the proxy ended, the headers the upstream received and those the client got.
 */
class ExchangeObservationTest {
    private static final String HEX32 = "[0-9a-f]{32}";
    private static final String TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    private static RawUpstream upstream;
    private static RawUpstream closing;
    private static WebSocketUpstream webSockets;
    private static ProxyServer proxy;
    private static ProxyServer behindTrustedProxy;
    private static int closedPort;

    @BeforeAll
    static void start() throws IOException {
        upstream = RawUpstream.start((request, conversation) -> conversation.send(200, "got " + request.bodyText(),
                "Content-Type: text/plain"));
        webSockets = WebSocketUpstream.start();
        closing = RawUpstream.start((request, conversation) -> conversation.close());
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        var routing = routes(List.of(upstream("app", upstream.url()), upstream("ws", webSockets.url()),
                        upstream("gone", "http://127.0.0.1:" + closedPort), upstream("closing", closing.url())),
                route("a", "/a/", "app"), route("ws", "/ws/", "ws", true, false, Route.DEFAULT_TIMEOUT),
                route("gone", "/gone/", "gone"), route("closing", "/closing/", "closing"));
        proxy = ProxyServer.start(routing);
        behindTrustedProxy = ProxyServer.start(routing, ProxySettings.fromTrustedProxies("127.0.0.1"));
    }

    @AfterAll
    static void stop() throws IOException {
        behindTrustedProxy.close();
        proxy.close();
        webSockets.close();
        closing.close();
        upstream.close();
    }

    @BeforeEach
    void forget() {
        proxy.exchanges.clear();
        behindTrustedProxy.exchanges.clear();
    }

    private static ExchangeRecord ended(ProxyServer server, Predicate<ExchangeRecord> which) {
        return await().atMost(Duration.ofSeconds(10)).until(
                () -> server.exchanges.stream().filter(which).findFirst().orElse(null), r -> r != null);
    }

    private static RawClient.RawResponse send(ProxyServer server, String requestLine, String... headerLines)
            throws Exception {
        try (RawClient client = RawClient.connect(server.port())) {
            return client.send(requestLine, headerLines).read("GET");
        }
    }

    @Test
    void aProxiedRequestIsRecordedWithItsRouteTargetTimingBytesAndIdsAndTheIdReachesBothSides() throws Exception {
        String before = upstream.received();
        RawClient.RawResponse response;
        try (RawClient client = RawClient.connect(proxy.port())) {
            client.sendText("POST /a/x?q=1 HTTP/1.1\r\nHost: example.test\r\nUser-Agent: curl/8.5\r\n"
                    + "Referer: https://example.test/from\r\nContent-Length: 5\r\n\r\nhello");
            response = client.read("POST");
        }

        assertThat(response.status()).isEqualTo(200);
        String id = response.header("X-Request-Id");
        assertThat(id).matches(HEX32);
        assertThat(upstream.received().substring(before.length())).contains("\r\nX-Request-Id: " + id + "\r\n")
                .doesNotContain("traceparent");
        ExchangeRecord record = ended(proxy, r -> id.equals(r.requestId()));
        assertThat(record.protocol()).isEqualTo("HTTP/1.1");
        assertThat(record.method()).isEqualTo("POST");
        assertThat(record.host()).isEqualTo("example.test");
        assertThat(record.target()).isEqualTo("/a/x?q=1");
        assertThat(record.clientIp()).isEqualTo("127.0.0.1");
        assertThat(record.userAgent()).isEqualTo("curl/8.5");
        assertThat(record.referer()).isEqualTo("https://example.test/from");
        assertThat(record.route()).isEqualTo("a");
        assertThat(record.upstream()).isEqualTo("app");
        assertThat(record.targetUrl()).isEqualTo(upstream.url());
        assertThat(record.attempts()).isEqualTo(1);
        assertThat(record.status()).isEqualTo(200);
        assertThat(record.bytesIn()).isEqualTo(5);
        assertThat(record.bytesOut()).isEqualTo("got hello".length());
        assertThat(record.upstreamNanos()).isPositive().isLessThanOrEqualTo(record.durationNanos());
        assertThat(record.traceId()).isNull();
        assertThat(record.wasCut()).isFalse();
    }

    @Test
    void anIdFromAnUntrustedClientIsReplacedAndAWellFormedOneFromATrustedProxyIsKept() throws Exception {
        RawClient.RawResponse untrusted = send(proxy, "GET /a/ HTTP/1.1", "Host: h", "X-Request-Id: forged-1");
        assertThat(untrusted.header("X-Request-Id")).matches(HEX32);

        String before = upstream.received();
        RawClient.RawResponse trusted = send(behindTrustedProxy, "GET /a/ HTTP/1.1", "Host: h",
                "X-Request-Id: lb-7f3a-0001");
        assertThat(trusted.header("X-Request-Id")).isEqualTo("lb-7f3a-0001");
        assertThat(upstream.received().substring(before.length())).containsOnlyOnce("X-Request-Id")
                .contains("X-Request-Id: lb-7f3a-0001\r\n");
        assertThat(ended(behindTrustedProxy, r -> "lb-7f3a-0001".equals(r.requestId())).status()).isEqualTo(200);

        RawClient.RawResponse malformed = send(behindTrustedProxy, "GET /a/ HTTP/1.1", "Host: h",
                "X-Request-Id: " + "x".repeat(201));
        assertThat(malformed.header("X-Request-Id")).matches(HEX32);
    }

    @Test
    void aValidTraceparentPassesWithItsTracestateAndAMalformedOneIsDroppedWithIt() throws Exception {
        String before = upstream.received();
        send(proxy, "GET /a/ HTTP/1.1", "Host: h", "traceparent: " + TRACEPARENT, "tracestate: vendor=abc");
        String valid = upstream.received().substring(before.length());
        assertThat(valid).contains("traceparent: " + TRACEPARENT + "\r\n").contains("tracestate: vendor=abc\r\n");
        assertThat(ended(proxy, r -> r.traceId() != null).traceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");

        for (String bad : List.of("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra",
                "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
                "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
                "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01")) {
            before = upstream.received();
            send(proxy, "GET /a/ HTTP/1.1", "Host: h", "traceparent: " + bad, "tracestate: vendor=abc");
            assertThat(upstream.received().substring(before.length())).as(bad)
                    .doesNotContain("traceparent").doesNotContain("tracestate");
        }
        before = upstream.received();
        send(proxy, "GET /a/ HTTP/1.1", "Host: h", "traceparent: " + TRACEPARENT, "traceparent: " + TRACEPARENT);
        assertThat(upstream.received().substring(before.length())).as("two traceparent lines")
                .doesNotContain("traceparent");
    }

    @Test
    void porticosOwnAnswersAreRecordedAndCarryTheId() throws Exception {
        RawClient.RawResponse notFound = send(proxy, "GET /nowhere HTTP/1.1", "Host: h");
        assertThat(notFound.status()).isEqualTo(404);
        String id = notFound.header("X-Request-Id");
        ExchangeRecord record = ended(proxy, r -> id.equals(r.requestId()));
        assertThat(record.status()).isEqualTo(404);
        assertThat(record.route()).isNull();
        assertThat(record.bytesOut()).isEqualTo(notFound.body().length);

        RawClient.RawResponse refused = send(proxy, "GET /a/ HTTP/1.1", "Host: h", "Content-Length: 1",
                "Content-Length: 2");
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.header("X-Request-Id")).matches(HEX32);
        assertThat(ended(proxy, r -> r.status() == 400).requestId()).isEqualTo(refused.header("X-Request-Id"));

        RawClient.RawResponse unreachable = send(proxy, "GET /gone/ HTTP/1.1", "Host: h");
        assertThat(unreachable.status()).isEqualTo(503);
        ExchangeRecord failed = ended(proxy, r -> "gone".equals(r.route()));
        assertThat(failed.status()).isEqualTo(503);
        assertThat(failed.attempts()).isEqualTo(1);
        assertThat(failed.targetUrl()).isEqualTo("http://127.0.0.1:" + closedPort);
        assertThat(failed.upstreamNanos()).isEqualTo(-1);

        RawClient.RawResponse badGateway = send(proxy, "GET /closing/ HTTP/1.1", "Host: h");
        assertThat(badGateway.status()).isEqualTo(502);
        ExchangeRecord closed = ended(proxy, r -> "closing".equals(r.route()));
        assertThat(closed.status()).isEqualTo(502);
        assertThat(closed.requestId()).isEqualTo(badGateway.header("X-Request-Id"));
        assertThat(closed.targetUrl()).isEqualTo(closing.url());
    }

    @Test
    void anHttp2RequestIsRecordedAsHttp2() throws Exception {
        try (H2cStream stream = H2cStream.get(proxy.port(), "/a/h2")) {
            assertThat(stream.responseData()).isEqualTo("got ");
        }
        ExchangeRecord record = ended(proxy, r -> "HTTP/2.0".equals(r.protocol()));
        assertThat(record.status()).isEqualTo(200);
        assertThat(record.route()).isEqualTo("a");
        assertThat(record.target()).isEqualTo("/a/h2");
        assertThat(record.requestId()).matches(HEX32);
        assertThat(record.bytesOut()).isEqualTo(4);
    }

    @Test
    void aWebSocketIsRecordedOnceItClosesWithItsBytesBothWays() throws Exception {
        try (HttpClient http = HttpClient.newHttpClient();
             WebSocketClient client = WebSocketClient.connect(http,
                     URI.create("ws://127.0.0.1:" + proxy.port() + "/ws/echo"))) {
            assertThat(client.echo("hello")).isEqualTo("text:hello");
            assertThat(proxy.exchanges).noneMatch(ExchangeRecord::isWebSocket);
        }
        ExchangeRecord record = ended(proxy, ExchangeRecord::isWebSocket);
        assertThat(record.status()).isEqualTo(101);
        assertThat(record.route()).isEqualTo("ws");
        // frames both ways, "hello" each: the client's masked (6 bytes of header for a short one), the target's not
        assertThat(record.bytesIn()).isGreaterThanOrEqualTo(11);
        assertThat(record.bytesOut()).isGreaterThanOrEqualTo(7);
    }
}
