package dev.portico.http;

import dev.portico.domain.model.Route;
import dev.portico.http.client.ClientLimits;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static dev.portico.http.ProxyServer.everythingTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Portico's HTTP/1.x reader on the proxy listener ({@link dev.portico.http.http1.Http1Connection}): it reads every request of a connection,
 * forwards header names as the client spelled them (as nginx does), and answers what it does not forward itself.
 */
class Http1ConnectionTest {
    /** Answers with the request's target and how the upstream received its Accept header's name and its body. */
    private static RawUpstream echo() throws IOException {
        return RawUpstream.start((request, conversation) -> {
            String acceptName = request.headers().stream().filter(h -> h[0].equalsIgnoreCase("accept"))
                    .map(h -> h[0]).findFirst().orElse("-");
            conversation.send(200, request.method() + " " + request.target() + " " + acceptName + " "
                    + request.bodyText());
        });
    }

    @Test
    void readsEveryRequestOfAConnectionWithOrWithoutABody() throws Exception {
        try (RawUpstream upstream = echo();
             ProxyServer proxy = ProxyServer.start(everythingTo(upstream.url()));
             RawClient client = RawClient.connect(proxy.port())) {

            assertThat(client.send("GET /one?q=1 HTTP/1.1", "Host: example.test", "accept: */*").read("GET")
                    .bodyText()).isEqualTo("GET /one?q=1 accept ");
            assertThat(client.send("DELETE /two HTTP/1.1", "Host: example.test", "accept: */*").read("DELETE")
                    .bodyText()).isEqualTo("DELETE /two accept ");

            client.send("POST /three HTTP/1.1", "Host: example.test", "accept: */*", "Content-Length: 5");
            client.sendText("hello");
            assertThat(client.read("POST").bodyText()).isEqualTo("POST /three accept hello");
            client.send("POST /four HTTP/1.1", "Host: example.test", "accept: */*", "Transfer-Encoding: chunked");
            client.sendText("3\r\nabc\r\n0\r\n\r\n");
            assertThat(client.read("POST").bodyText()).isEqualTo("POST /four accept abc");
            assertThat(client.send("GET /five HTTP/1.1", "Host: example.test", "accept: */*").read("GET")
                    .bodyText()).isEqualTo("GET /five accept ");
        }
    }

    @Test
    void answersARequestWithoutARouteOrWithADotSegmentItselfAndGoesOn() throws Exception {
        try (RawUpstream upstream = echo();
             ProxyServer proxy = ProxyServer.start(ProxyServer.routes(ProxyServer.upstream("app", upstream.url()),
                     ProxyServer.route("api", "/api", "app")));
             RawClient client = RawClient.connect(proxy.port())) {

            assertThat(client.send("GET /api/a HTTP/1.1", "Host: h", "accept: x").read("GET").bodyText())
                    .isEqualTo("GET /api/a accept ");
            RawClient.RawResponse notFound = client.send("GET /elsewhere HTTP/1.1", "Host: h").read("GET");
            assertThat(notFound.statusLine()).isEqualTo("HTTP/1.1 404 Not Found");
            assertThat(notFound.header("Content-Type")).isEqualTo("text/plain; charset=UTF-8");
            assertThat(notFound.header("Connection")).isEqualTo("keep-alive");
            assertThat(notFound.bodyText()).isEqualTo("404 Not Found: no route matches this host and path\n");
            RawClient.RawResponse dots = client.send("GET /api/../admin HTTP/1.1", "Host: h").read("GET");
            assertThat(dots.status()).isEqualTo(400);
            assertThat(dots.bodyText()).isEqualTo("400 Bad Request: the path has a '.' or '..' segment\n");
            RawClient.RawResponse headNotFound = client.send("HEAD /elsewhere HTTP/1.1", "Host: h").read("HEAD");
            assertThat(headNotFound.status()).isEqualTo(404);
            assertThat(headNotFound.header("Content-Length")).isEqualTo("51");
            assertThat(headNotFound.body()).isEmpty();

            // still read by Portico: the client's spelling of Accept reaches the upstream
            assertThat(client.send("GET /api/b HTTP/1.1", "Host: h", "accept: x").read("GET").bodyText())
                    .isEqualTo("GET /api/b accept ");
        }
    }

    @Test
    void redirectsToHttpsItselfAndGoesOn() throws Exception {
        try (RawUpstream upstream = echo();
             ProxyServer proxy = ProxyServer.start(ProxyServer.routes(ProxyServer.upstream("app", upstream.url()),
                     ProxyServer.route("api", "/api", "app"), redirectingRoute()));
             RawClient client = RawClient.connect(proxy.port())) {

            assertThat(client.send("GET /api/a HTTP/1.1", "Host: h", "accept: x").read("GET").bodyText())
                    .isEqualTo("GET /api/a accept ");
            RawClient.RawResponse redirect = client.send("GET /secure/x?y=1 HTTP/1.1", "Host: h").read("GET");
            assertThat(redirect.status()).isEqualTo(308);
            assertThat(redirect.header("Location")).isEqualTo("https://h/secure/x?y=1");
            assertThat(redirect.header("Connection")).isEqualTo("keep-alive");
            assertThat(client.send("GET /api/b HTTP/1.1", "Host: h", "accept: x").read("GET").bodyText())
                    .isEqualTo("GET /api/b accept ");
        }
    }

    private static Route redirectingRoute() {
        return new Route("secure", List.of(), "/secure", "app", false, false, Route.DEFAULT_TIMEOUT, true,
                Optional.empty(), Route.DEFAULT_WEBSOCKET_IDLE_TIMEOUT);
    }

    @Test
    void answersPipelinedRequestsInOrder() throws Exception {
        try (RawUpstream upstream = echo();
             ProxyServer proxy = ProxyServer.start(everythingTo(upstream.url()));
             RawClient client = RawClient.connect(proxy.port())) {

            client.sendText("GET /1 HTTP/1.1\r\nHost: h\r\n\r\nGET /2 HTTP/1.1\r\nHost: h\r\n\r\n"
                    + "HEAD /3 HTTP/1.1\r\nHost: h\r\n\r\nGET /4 HTTP/1.1\r\nHost: h\r\n\r\n");

            assertThat(client.read("GET").bodyText()).isEqualTo("GET /1 - ");
            assertThat(client.read("GET").bodyText()).isEqualTo("GET /2 - ");
            RawClient.RawResponse head = client.read("HEAD");
            assertThat(head.status()).isEqualTo(200);
            assertThat(head.header("Content-Length")).isEqualTo("10");
            assertThat(client.read("GET").bodyText()).isEqualTo("GET /4 - ");
        }
    }

    @Test
    void readsAHeadThatArrivesAByteAtATime() throws Exception {
        try (RawUpstream upstream = echo();
             ProxyServer proxy = ProxyServer.start(everythingTo(upstream.url()));
             RawClient client = RawClient.connect(proxy.port())) {
            for (int round = 0; round < 2; round++) {
                for (byte b : "GET /slow HTTP/1.1\r\nHost: h\r\naccept: a\r\n\r\n".getBytes(StandardCharsets.US_ASCII)) {
                    client.sendBytes(new byte[] {b});
                    Thread.sleep(2);
                }
                assertThat(client.read("GET").bodyText()).isEqualTo("GET /slow accept ");
            }
        }
    }

    @Test
    void endsTheConnectionAfterARequestThatAsksForIt() throws Exception {
        try (RawUpstream upstream = echo();
             ProxyServer proxy = ProxyServer.start(everythingTo(upstream.url()));
             RawClient client = RawClient.connect(proxy.port())) {

            RawClient.RawResponse response = client.send("GET /bye HTTP/1.1", "Host: h", "Connection: close")
                    .read("GET");

            assertThat(response.bodyText()).isEqualTo("GET /bye - ");
            assertThat(response.header("Connection")).isEqualTo("close");
            assertThat(client.closedByPeer()).isTrue();
        }
    }

    @Test
    void answersAnUpstreamFailureItselfAndKeepsTheConnection() throws Exception {
        try (ProxyServer proxy = ProxyServer.start(everythingTo("http://127.0.0.1:1"));
             RawClient client = RawClient.connect(proxy.port())) {
            RawClient.RawResponse head = client.send("HEAD / HTTP/1.1", "Host: h").read("HEAD");
            assertThat(head.status()).isEqualTo(503);
            assertThat(head.body()).isEmpty();
            for (int round = 0; round < 2; round++) {
                RawClient.RawResponse response = client.send("GET / HTTP/1.1", "Host: h").read("GET");

                assertThat(response.status()).isEqualTo(503);
                assertThat(response.statusLine()).isEqualTo("HTTP/1.1 503 Service Unavailable");
                assertThat(response.header("Content-Type")).isEqualTo("text/plain; charset=UTF-8");
                assertThat(response.header("Server")).isEqualTo("portico");
                assertThat(response.header("Date")).isNotBlank();
                assertThat(response.header("Connection")).isEqualTo("keep-alive");
                // what happened, and nothing about the inside
                assertThat(response.bodyText()).isEqualTo("503 Service Unavailable: no server is available to answer\n");
            }
        }
    }

    @Test
    void aStoppingServerEndsAConnectionWaitingForItsNextRequest() throws Exception {
        try (RawUpstream upstream = echo()) {
            ProxyServer proxy = ProxyServer.start(everythingTo(upstream.url()));
            try (RawClient client = RawClient.connect(proxy.port())) {
                assertThat(client.send("GET /a HTTP/1.1", "Host: h", "accept: x").read("GET").bodyText())
                        .isEqualTo("GET /a accept ");

                long started = System.nanoTime();
                proxy.close();

                assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
                assertThat(client.closedByPeer()).isTrue();
            }
        }
    }

    @Test
    void closesAConnectionIdleLongerThanTheKeepAliveTimeout() throws Exception {
        ProxySettings settings = ProxySettings.defaults().withClients(ClientLimits.defaults()
                .withTimeouts(Duration.ofSeconds(60), Duration.ofSeconds(60), Duration.ofMillis(300),
                        Duration.ofSeconds(60)));
        try (RawUpstream upstream = echo();
             ProxyServer proxy = ProxyServer.start(everythingTo(upstream.url()), settings);
             RawClient client = RawClient.connect(proxy.port())) {
            assertThat(client.send("GET /a HTTP/1.1", "Host: h", "accept: x").read("GET").bodyText())
                    .isEqualTo("GET /a accept ");
            long started = System.nanoTime();

            assertThat(client.closedByPeer()).isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
        }
    }

    @Test
    void answersAMalformedRequestWith400AndClosesTheConnection() throws Exception {
        try (RawUpstream upstream = echo();
             ProxyServer proxy = ProxyServer.start(everythingTo(upstream.url()));
             RawClient client = RawClient.connect(proxy.port())) {
            assertThat(client.send("GET /ok HTTP/1.1", "Host: h").read("GET").status()).isEqualTo(200);

            RawClient.RawResponse response = client.send("GET /twice HTTP/1.1", "Host: a", "Host: b").read("GET");

            assertThat(response.status()).isEqualTo(400);
            assertThat(response.bodyText()).isEqualTo("400 Bad Request: more than one Host header\n");
            assertThat(response.header("Connection")).isEqualTo("close");
            assertThat(client.closedByPeer()).isTrue();
        }
    }
}
