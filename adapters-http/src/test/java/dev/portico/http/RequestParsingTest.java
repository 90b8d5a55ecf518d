package dev.portico.http;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.util.List;
import java.util.stream.Stream;

import static dev.portico.http.ProxyServer.route;
import static dev.portico.http.ProxyServer.routes;
import static dev.portico.http.ProxyServer.upstream;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The parsing policy on the wire, as an attacker probes it: exact bytes in, then the status, whether the connection
 * was closed, and exactly what the upstream received. Whatever could be framed two ways (by Portico and by a server
 * in front of or behind it) is refused and its connection closed, and the upstream never sees any of it.
 */
class RequestParsingTest {
    private static RawUpstream upstream;
    private static ProxyServer proxy;

    @BeforeAll
    static void start() throws IOException {
        upstream = RawUpstream.start((request, conversation) -> conversation.send(200, "got " + request.bodyText(),
                "Content-Type: text/plain"));
        proxy = ProxyServer.start(routes(upstream("app", upstream.url()), route("a", "/", "app")));
    }

    @AfterAll
    static void stop() throws IOException {
        proxy.close();
        upstream.close();
    }

    /** Sends the bytes on a new connection and reads one response. */
    private static Exchange exchange(String request) throws Exception {
        String before = upstream.received();
        try (RawClient client = RawClient.connect(proxy.port())) {
            client.sendText(request);
            RawClient.RawResponse response = client.read(request.startsWith("HEAD") ? "HEAD" : "GET");
            boolean closed = client.closedByPeer();
            return new Exchange(response, closed, upstream.received().substring(before.length()));
        }
    }

    private record Exchange(RawClient.RawResponse response, boolean closed, String upstreamReceived) {
    }

    static Stream<Arguments> refused() {
        return Stream.of(
                // framing a server behind or in front could read another way
                Arguments.of("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n"
                        + "0\r\n\r\n", 400),
                Arguments.of("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!", 400),
                Arguments.of("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\nhello", 400),
                Arguments.of("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5, 5\r\n\r\nhello", 400),
                Arguments.of("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: -1\r\n\r\n", 400),
                Arguments.of("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding : chunked\r\n\r\n0\r\n\r\n", 400),
                Arguments.of("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: xchunked\r\n\r\n0\r\n\r\n", 501),
                Arguments.of("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked, chunked\r\n\r\n0\r\n\r\n", 501),
                Arguments.of("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: x\r\n\r\n"
                        + "0\r\n\r\n", 400),
                Arguments.of("POST / HTTP/1.1\r\nHost: h\r\nX: y\r\n Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400),
                Arguments.of("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400),
                // chunks
                Arguments.of("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nabcdeXX0\r\n\r\n", 400),
                Arguments.of("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n", 400),
                Arguments.of("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
                        + "fffffffffffffffff\r\nabc\r\n0\r\n\r\n", 400),
                Arguments.of("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n-5\r\nabcde\r\n0\r\n\r\n", 400),
                Arguments.of("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n0x5\r\nabcde\r\n0\r\n\r\n", 400),
                Arguments.of("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5\nabcde\r\n0\r\n\r\n", 400),
                Arguments.of("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5;\r\nabcde\r\n0\r\n\r\n", 400),
                Arguments.of("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nabcde\r\n0\r\nX : 1\r\n\r\n",
                        400),
                // line ends, whitespace, control characters
                Arguments.of("GET / HTTP/1.1\nHost: h\n\n", 400),
                Arguments.of("GET / HTTP/1.1\r\nHost: h\rX: 1\r\n\r\n", 400),
                Arguments.of("GET / HTTP/1.1\r\nHost: h\r\nX: a\u0000b\r\n\r\n", 400),
                Arguments.of("GET / HTTP/1.1\r\nHost: h\r\nX: 1\r\n\tfolded\r\n\r\n", 400),
                // request lines and targets
                Arguments.of("get / HTTP/1.1\r\nHost: h\r\n\r\n", 400),
                Arguments.of("GET /\r\n\r\n", 400),
                Arguments.of("GET / HTTP/0.9\r\nHost: h\r\n\r\n", 505),
                Arguments.of("GET / HTTP/2.0\r\nHost: h\r\n\r\n", 505),
                Arguments.of("GET /" + "a".repeat(100 * 1024) + " HTTP/1.1\r\nHost: h\r\n\r\n", 414),
                Arguments.of("GET / HTTP/1.1\r\nHost: h\r\n" + ("X-Big: " + "b".repeat(1000) + "\r\n").repeat(40)
                        + "\r\n", 431),
                Arguments.of("GET / HTTP/1.1\r\n\r\n", 400),
                Arguments.of("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400),
                Arguments.of("GET ftp://h/ HTTP/1.1\r\nHost: h\r\n\r\n", 400));
    }

    @ParameterizedTest
    @MethodSource("refused")
    void refusesWithAStatusClosesAndSendsTheUpstreamNothing(String request, int status) throws Exception {
        Exchange exchange = exchange(request);

        assertThat(exchange.response().status()).isEqualTo(status);
        assertThat(exchange.response().header("Connection")).isEqualTo("close");
        assertThat(exchange.closed()).isTrue();
        assertThat(exchange.upstreamReceived()).isEmpty();
    }

    @Test
    void takesChunkExtensionsAndTrailersAndForwardsTheBodyWithoutEither() throws Exception {
        for (String body : List.of("5;a=b\r\nabcde\r\n0\r\n\r\n", "5;a\r\nabcde\r\n0\r\n\r\n",
                "5 ; a = \"x; y\\\"\"\r\nabcde\r\n0;last=1\r\n\r\n", "5\r\nabcde\r\n0\r\nX-T: 1\r\nX-U:\r\n\r\n")) {
            Exchange exchange = exchange("POST /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n"
                    + "Connection: close\r\n\r\n" + body);

            assertThat(exchange.response().status()).as(body).isEqualTo(200);
            assertThat(exchange.response().bodyText()).isEqualTo("got abcde");
            assertThat(exchange.upstreamReceived()).as(body).startsWith("POST /c HTTP/1.1\r\n")
                    .contains("\r\nTransfer-Encoding: chunked\r\n").endsWith("\r\n\r\n5\r\nabcde\r\n0\r\n\r\n")
                    .doesNotContain("X-T").doesNotContain(";");
        }
    }

    @Test
    void forwardsABodyThatArrivesAfterItsHeadPieceByPiece() throws Exception {
        String before = upstream.received();
        try (RawClient client = RawClient.connect(proxy.port())) {
            client.sendText("POST /p HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n");
            client.sendText("3\r\nabc");
            client.sendText("\r\n2;x=y\r\nde\r\n");
            client.sendText("0\r\n\r\n");
            RawClient.RawResponse response = client.read("POST");

            assertThat(response.bodyText()).isEqualTo("got abcde");
            assertThat(client.send("GET /after HTTP/1.1", "Host: h").read("GET").status()).isEqualTo(200);
        }
        assertThat(upstream.received().substring(before.length())).contains("abc").contains("de")
                .contains("GET /after HTTP/1.1");
    }

    @Test
    void refusesAMalformedChunkMidStreamAndClosesBothConnections() throws Exception {
        try (RawClient client = RawClient.connect(proxy.port())) {
            client.sendText("POST /p HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n");
            client.sendText("3\r\nabc");
            Thread.sleep(50);
            client.sendText("XX2\r\nde\r\n0\r\n\r\n");
            RawClient.RawResponse response = client.read("POST");

            assertThat(response.status()).isEqualTo(400);
            assertThat(response.bodyText()).contains("CRLF");
            assertThat(client.closedByPeer()).isTrue();
        }
    }

    @Test
    void servesHttp10ClosingTheConnectionUnlessAskedToKeepIt() throws Exception {
        Exchange withHost = exchange("GET /x HTTP/1.0\r\nHost: h\r\n\r\n");
        assertThat(withHost.response().status()).isEqualTo(200);
        assertThat(withHost.response().header("Connection")).isEqualTo("close");
        assertThat(withHost.closed()).isTrue();
        assertThat(withHost.upstreamReceived()).startsWith("GET /x HTTP/1.1\r\n");

        Exchange withoutHost = exchange("GET /y HTTP/1.0\r\n\r\n");
        assertThat(withoutHost.response().status()).isEqualTo(200);
        assertThat(withoutHost.response().bodyText()).isEqualTo("got ");

        try (RawClient client = RawClient.connect(proxy.port())) {
            RawClient.RawResponse first = client.send("GET /k HTTP/1.0", "Connection: keep-alive").read("GET");
            assertThat(first.header("Connection")).isEqualTo("keep-alive");
            assertThat(client.send("GET /k2 HTTP/1.0", "Connection: keep-alive").read("GET").status())
                    .isEqualTo(200);
        }
    }

    @Test
    void sendsAChunkedResponseToAnHttp10ClientAsABodyEndedByClosing() throws Exception {
        try (RawUpstream chunking = RawUpstream.start((request, conversation) -> conversation.write(
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nabcd\r\n2\r\nef\r\n0\r\n\r\n"));
             ProxyServer chunkingProxy = ProxyServer.start(ProxyServer.everythingTo(chunking.url()));
             RawClient client = RawClient.connect(chunkingProxy.port())) {
            RawClient.RawResponse response = client.send("GET / HTTP/1.0", "Connection: keep-alive").read("GET");

            assertThat(response.header("Transfer-Encoding")).isNull();
            assertThat(response.header("Content-Length")).isNull();
            assertThat(response.header("Connection")).isEqualTo("close");
            assertThat(response.bodyText()).isEqualTo("abcdef");
        }
    }

    @Test
    void closesAfterARequestThatListsCloseFirstInConnection() throws Exception {
        Exchange exchange = exchange("GET / HTTP/1.1\r\nHost: h\r\nConnection: close, X-Forwarded-For\r\n\r\n");
        assertThat(exchange.response().header("Connection")).isEqualTo("close");
        assertThat(exchange.closed()).isTrue();
    }

    @Test
    void answersTraceAndConnectWith405AndSendsNothingUpstream() throws Exception {
        for (String method : List.of("TRACE", "CONNECT")) {
            Exchange exchange = exchange(method + " /x HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n");
            assertThat(exchange.response().status()).isEqualTo(405);
            assertThat(exchange.upstreamReceived()).isEmpty();
        }
    }

    @Test
    void forwardsAnUnknownUpperCaseMethodAsItCame() throws Exception {
        Exchange exchange = exchange("PROPFIND /dav HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n");
        assertThat(exchange.response().status()).isEqualTo(200);
        assertThat(exchange.upstreamReceived()).startsWith("PROPFIND /dav HTTP/1.1\r\n");
    }

    @Test
    void routesAnAbsoluteFormRequestByItsAuthorityAndNeverToAHostNoRouteNames() throws Exception {
        try (RawUpstream other = RawUpstream.start((request, conversation) -> conversation.send(200, "other"));
             ProxyServer hosts = ProxyServer.start(routes(List.of(upstream("a", upstream.url()),
                     upstream("b", other.url())), ProxyServer.hostRoute("ra", "a.test", "a"),
                     ProxyServer.hostRoute("rb", "b.test", "b")));
             RawClient client = RawClient.connect(hosts.port())) {
            String before = other.received();

            RawClient.RawResponse viaB = client.send("GET http://b.test/x?y=1 HTTP/1.1", "Host: a.test").read("GET");
            RawClient.RawResponse nowhere = client.send("GET http://evil.test/ HTTP/1.1", "Host: a.test").read("GET");

            assertThat(viaB.bodyText()).isEqualTo("other");
            assertThat(other.received().substring(before.length())).startsWith("GET /x?y=1 HTTP/1.1\r\n");
            assertThat(nowhere.status()).isEqualTo(404);
        }
    }
}
