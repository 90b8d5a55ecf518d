package dev.portico.http;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;

import static dev.portico.http.ProxyServer.everythingTo;
import static org.assertj.core.api.Assertions.assertThat;

/** Bodies keep the framing their sender chose, and responses that have no body get none. */
class BodyFramingTest {

    /** Echoes the request body with a Content-Length, and tells how the request body was framed. */
    private static final RawUpstream.Responder ECHO = (request, conversation) -> conversation.send(200,
            request.bodyText(), "X-Request-Framing: " + (request.chunked() ? "chunked"
                    : request.header("Content-Length") != null ? "length " + request.header("Content-Length")
                    : "none"));

    @Test
    void keepsTheContentLengthOfAHeadResponseAndSendsNoBody() throws Exception {
        try (RawUpstream upstream = RawUpstream.start((request, conversation) -> {
            if (request.method().equals("HEAD")) {
                conversation.write("HTTP/1.1 200 OK\r\nContent-Length: 1234\r\nContent-Type: text/html\r\n\r\n");
            } else {
                conversation.send(200, "after the head");
            }
        });
             ProxyServer proxy = ProxyServer.start(everythingTo(upstream.url()));
             RawClient client = RawClient.connect(proxy.port())) {

            RawClient.RawResponse head = client.send("HEAD /page HTTP/1.1", "Host: example.test").read("HEAD");
            // a body after the HEAD response would be read here as the next status line
            RawClient.RawResponse next = client.send("GET /page HTTP/1.1", "Host: example.test").read("GET");

            assertThat(head.status()).isEqualTo(200);
            assertThat(head.headers("Content-Length")).containsExactly("1234");
            assertThat(head.header("Transfer-Encoding")).isNull();
            assertThat(next.statusLine()).isEqualTo("HTTP/1.1 200 OK");
            assertThat(next.bodyText()).isEqualTo("after the head");
        }
    }

    @Test
    void sendsNoBodyWithANotModified() throws Exception {
        try (RawUpstream upstream = RawUpstream.start((request, conversation) -> {
            if (request.header("If-None-Match") != null) {
                conversation.write("HTTP/1.1 304 Not Modified\r\nETag: \"v1\"\r\nContent-Length: 5000\r\n\r\n");
            } else {
                conversation.send(200, "fresh", "ETag: \"v1\"");
            }
        });
             ProxyServer proxy = ProxyServer.start(everythingTo(upstream.url()));
             RawClient client = RawClient.connect(proxy.port())) {

            RawClient.RawResponse cached = client.send("GET /doc HTTP/1.1", "Host: example.test",
                    "If-None-Match: \"v1\"").read("GET");
            RawClient.RawResponse next = client.send("GET /doc HTTP/1.1", "Host: example.test").read("GET");

            assertThat(cached.status()).isEqualTo(304);
            assertThat(cached.header("ETag")).isEqualTo("\"v1\"");
            assertThat(next.statusLine()).isEqualTo("HTTP/1.1 200 OK");
            assertThat(next.bodyText()).isEqualTo("fresh");
        }
    }

    @Test
    void forwardsARequestBodyWithItsContentLength() throws Exception {
        try (RawUpstream upstream = RawUpstream.start(ECHO);
             ProxyServer proxy = ProxyServer.start(everythingTo(upstream.url()));
             RawClient client = RawClient.connect(proxy.port())) {

            RawClient.RawResponse response = client.send("PUT /doc HTTP/1.1", "Host: example.test",
                    "Content-Length: 11").sendText("hello world").read("PUT");

            assertThat(response.header("X-Request-Framing")).isEqualTo("length 11");
            assertThat(response.bodyText()).isEqualTo("hello world");
        }
    }

    @Test
    void forwardsAChunkedRequestBodyChunked() throws Exception {
        try (RawUpstream upstream = RawUpstream.start(ECHO);
             ProxyServer proxy = ProxyServer.start(everythingTo(upstream.url()));
             RawClient client = RawClient.connect(proxy.port())) {

            RawClient.RawResponse response = client.send("POST /log HTTP/1.1", "Host: example.test",
                    "Transfer-Encoding: chunked").sendText("5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n").read("POST");

            assertThat(response.header("X-Request-Framing")).isEqualTo("chunked");
            assertThat(response.bodyText()).isEqualTo("hello world");
        }
    }

    @Test
    void forwardsAnEmptyChunkedRequestBodyChunked() throws Exception {
        try (RawUpstream upstream = RawUpstream.start(ECHO);
             ProxyServer proxy = ProxyServer.start(everythingTo(upstream.url()));
             RawClient client = RawClient.connect(proxy.port())) {

            RawClient.RawResponse response = client.send("POST /log HTTP/1.1", "Host: example.test",
                    "Transfer-Encoding: chunked").sendText("0\r\n\r\n").read("POST");

            assertThat(response.header("X-Request-Framing")).isEqualTo("chunked");
            assertThat(response.bodyText()).isEmpty();
        }
    }

    @Test
    void keepsTheUpstreamsContentLength() throws Exception {
        try (RawUpstream upstream = RawUpstream.start(RawUpstream.answering(200, "x".repeat(100_000)));
             ProxyServer proxy = ProxyServer.start(everythingTo(upstream.url()));
             RawClient client = RawClient.connect(proxy.port())) {

            RawClient.RawResponse response = client.send("GET / HTTP/1.1", "Host: example.test").read("GET");

            assertThat(response.headers("Content-Length")).containsExactly("100000");
            assertThat(response.chunked()).isFalse();
            assertThat(response.bodyText()).isEqualTo("x".repeat(100_000));
        }
    }

    @Test
    void keepsAChunkedResponseChunkedEvenWhenItIsOneSmallChunk() throws Exception {
        try (RawUpstream upstream = RawUpstream.start((request, conversation) -> conversation.write(
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"));
             ProxyServer proxy = ProxyServer.start(everythingTo(upstream.url()));
             RawClient client = RawClient.connect(proxy.port())) {

            RawClient.RawResponse response = client.send("GET / HTTP/1.1", "Host: example.test").read("GET");

            assertThat(response.chunked()).isTrue();
            assertThat(response.header("Content-Length")).isNull();
            assertThat(response.bodyText()).isEqualTo("hello");
        }
    }

    @Test
    void relaysAResponseThatEndsWithTheConnectionAsAChunkedOne() throws Exception {
        try (RawUpstream upstream = RawUpstream.start((request, conversation) -> {
            conversation.write("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil the end");
            conversation.close();
        });
             ProxyServer proxy = ProxyServer.start(everythingTo(upstream.url()));
             RawClient client = RawClient.connect(proxy.port())) {

            RawClient.RawResponse first = client.send("GET /1 HTTP/1.1", "Host: example.test").read("GET");
            // a POST with a body is never sent twice: on the spent connection it would fail with a 502
            RawClient.RawResponse second = client.send("POST /2 HTTP/1.1", "Host: example.test", "Content-Length: 1")
                    .sendText("x").read("POST");

            assertThat(first.chunked()).isTrue();
            assertThat(first.bodyText()).isEqualTo("until the end");
            assertThat(second.status()).isEqualTo(200);
            assertThat(second.bodyText()).isEqualTo("until the end");
            assertThat(upstream.acceptedConnections()).isEqualTo(2);
        }
    }

    @Test
    void relaysTheBodyOfAResponseThatAdvertisesAnUpgrade() throws Exception {
        try (RawUpstream upstream = RawUpstream.start(RawUpstream.answering(200, "still a body",
                "Upgrade: h2c", "Connection: Upgrade"));
             ProxyServer proxy = ProxyServer.start(everythingTo(upstream.url()));
             RawClient client = RawClient.connect(proxy.port())) {

            RawClient.RawResponse first = client.send("GET / HTTP/1.1", "Host: example.test").read("GET");
            RawClient.RawResponse second = client.send("GET / HTTP/1.1", "Host: example.test").read("GET");

            assertThat(first.bodyText()).isEqualTo("still a body");
            assertThat(first.header("Upgrade")).isNull();
            assertThat(second.bodyText()).isEqualTo("still a body");
        }
    }

    @Test
    void skipsInterimResponsesAndRelaysTheFinalOne() throws Exception {
        try (RawUpstream upstream = RawUpstream.start((request, conversation) -> conversation.write(
                "HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n"
                        + "HTTP/1.1 102 Processing\r\n\r\n"
                        + "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfinal"));
             ProxyServer proxy = ProxyServer.start(everythingTo(upstream.url()));
             RawClient client = RawClient.connect(proxy.port())) {

            RawClient.RawResponse response = client.send("GET / HTTP/1.1", "Host: example.test").read("GET");

            assertThat(response.status()).isEqualTo(200);
            assertThat(response.bodyText()).isEqualTo("final");
            assertThat(response.header("Link")).isNull();
        }
    }

    @Test
    void readsPastTheTrailerFieldsOfAChunkedResponseAndReusesItsConnection() throws Exception {
        try (RawUpstream upstream = RawUpstream.start((request, conversation) -> {
            if (request.target().equals("/trailed")) {
                conversation.write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTrailer: X-Checksum\r\n\r\n"
                        + "5\r\nhello\r\n0\r\nX-Checksum: 5d41402a\r\n\r\n");
            } else {
                conversation.send(200, "next");
            }
        });
             ProxyServer proxy = ProxyServer.start(everythingTo(upstream.url()));
             RawClient client = RawClient.connect(proxy.port())) {

            RawClient.RawResponse trailed = client.send("GET /trailed HTTP/1.1", "Host: example.test").read("GET");
            RawClient.RawResponse next = client.send("GET /next HTTP/1.1", "Host: example.test").read("GET");

            assertThat(trailed.bodyText()).isEqualTo("hello");
            assertThat(next.bodyText()).isEqualTo("next");
            assertThat(upstream.acceptedConnections()).isEqualTo(1);
        }
    }

    @Test
    void tellsTheUpstreamThatAPostWithoutBodyHasNoneAndAddsNoLengthToAGet() throws Exception {
        try (RawUpstream upstream = RawUpstream.start(ECHO);
             ProxyServer proxy = ProxyServer.start(everythingTo(upstream.url()));
             RawClient client = RawClient.connect(proxy.port())) {

            RawClient.RawResponse post = client.send("POST /ping HTTP/1.1", "Host: example.test").read("POST");
            RawClient.RawResponse get = client.send("GET /ping HTTP/1.1", "Host: example.test").read("GET");

            assertThat(post.header("X-Request-Framing")).isEqualTo("length 0");
            assertThat(get.header("X-Request-Framing")).isEqualTo("none");
        }
    }

    @Test
    void answers502ToAResponseWithConflictingContentLengths() throws Exception {
        try (RawUpstream upstream = RawUpstream.start((request, conversation) -> conversation.write(
                "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!"));
             ProxyServer proxy = ProxyServer.start(everythingTo(upstream.url()));
             RawClient client = RawClient.connect(proxy.port())) {

            RawClient.RawResponse response = client.send("GET / HTTP/1.1", "Host: example.test").read("GET");

            assertThat(response.status()).isEqualTo(502);
            assertThat(proxy.observer.next()).isEqualTo("upstream failed INVALID_RESPONSE");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"X-Split: one\rtwo", "X-Split: one\ntwo", "X-Nul: a\u0000b", "X-Del: a\u007fb",
            "X-Space : before the colon", " folded: onto the line before", "no colon at all",
            "Bad(Name): value", ": no name"})
    void answers502ToAResponseHeaderLineAClientCouldReadAnotherWay(String line) throws Exception {
        try (RawUpstream upstream = RawUpstream.start((request, conversation) -> conversation.write(
                "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n" + line + "\r\n\r\nok"));
             ProxyServer proxy = ProxyServer.start(everythingTo(upstream.url()));
             RawClient client = RawClient.connect(proxy.port())) {

            RawClient.RawResponse response = client.send("GET / HTTP/1.1", "Host: example.test").read("GET");

            assertThat(response.status()).isEqualTo(502);
            assertThat(proxy.observer.next()).isEqualTo("upstream failed INVALID_RESPONSE");
        }
    }

    @Test
    void passesResponseHeaderValuesThroughByteForByte() throws Exception {
        try (RawUpstream upstream = RawUpstream.start((request, conversation) -> conversation.write(
                "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nX-Latin: caf\u00e9 \u00ff\r\nX-Spaces: \t a  b\t \r\n"
                        + "X-Empty:\r\nx-lower-case: kept\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\n\r\nok"));
             ProxyServer proxy = ProxyServer.start(everythingTo(upstream.url()));
             RawClient client = RawClient.connect(proxy.port())) {

            RawClient.RawResponse response = client.send("GET / HTTP/1.1", "Host: example.test").read("GET");

            assertThat(response.status()).isEqualTo(200);
            assertThat(response.header("X-Latin")).isEqualTo("caf\u00e9 \u00ff");
            assertThat(response.header("X-Spaces")).isEqualTo("a  b");
            assertThat(response.header("X-Empty")).isEmpty();
            assertThat(response.header("x-lower-case")).isEqualTo("kept");
            assertThat(response.headers("Set-Cookie")).containsExactly("a=1", "b=2");
            assertThat(response.bodyText()).isEqualTo("ok");
        }
    }

    @Test
    void answersExpectContinueAndThenForwardsTheBody() throws Exception {
        try (RawUpstream upstream = RawUpstream.start(ECHO);
             ProxyServer proxy = ProxyServer.start(everythingTo(upstream.url()));
             RawClient client = RawClient.connect(proxy.port())) {

            client.send("POST /upload HTTP/1.1", "Host: example.test", "Content-Length: 7",
                    "Expect: 100-continue");
            RawClient.RawResponse interim = client.read("POST");
            RawClient.RawResponse response = client.sendText("payload").read("POST");

            assertThat(interim.status()).isEqualTo(100);
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.bodyText()).isEqualTo("payload");
            assertThat(upstream.takeRequest().header("Expect")).isNull();
        }
    }

    @Test
    void refusesAnExpectContinueRequestWithoutRouteBeforeItsBodyIsSent() throws Exception {
        try (ProxyServer proxy = ProxyServer.start(ProxyServer.routes(ProxyServer.upstream("app", "http://127.0.0.1:9"),
                ProxyServer.route("api", "/api/", "app")));
             RawClient client = RawClient.connect(proxy.port())) {

            RawClient.RawResponse response = client.send("POST /elsewhere HTTP/1.1", "Host: example.test",
                    "Content-Length: 1000000", "Expect: 100-continue").read("POST");

            assertThat(response.status()).isEqualTo(404);
            assertThat(response.header("Connection")).isEqualTo("close");
            assertThat(new String(response.body(), StandardCharsets.UTF_8))
                    .isEqualTo("404 Not Found: no route matches this host and path\n");
        }
    }
}
