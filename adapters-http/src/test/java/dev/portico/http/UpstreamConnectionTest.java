package dev.portico.http;

import dev.portico.http.upstream.UpstreamConnections;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static dev.portico.http.ProxyServer.everythingTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Connections to upstreams are kept alive and reused; a connection the upstream closed while it sat idle never
 * turns into an error for the client; a client that goes away costs the upstream its connection, not a whole body.
 */
class UpstreamConnectionTest {
    private static final HttpClient CLIENT = HttpClient.newHttpClient();

    @Test
    void reusesAHandfulOfUpstreamConnectionsForAThousandSequentialRequests() throws Exception {
        try (RawUpstream upstream = RawUpstream.start((request, conversation) ->
                conversation.send(200, "reply to " + request.target()));
             ProxyServer proxy = ProxyServer.start(everythingTo(upstream.url()))) {

            for (int i = 0; i < 1000; i++) {
                HttpResponse<String> response = get(proxy, "/n/" + i);
                assertThat(response.statusCode()).isEqualTo(200);
                assertThat(response.body()).isEqualTo("reply to /n/" + i);
            }

            assertThat(upstream.acceptedConnections()).isBetween(1, 4);
        }
    }

    @Test
    void retriesOnAFreshConnectionWhenTheUpstreamClosedTheReusedOneAfterEachResponse() throws Exception {
        try (RawUpstream upstream = RawUpstream.closingAfter(1, (request, conversation) ->
                conversation.send(200, "ok " + request.target()));
             ProxyServer proxy = ProxyServer.start(everythingTo(upstream.url()))) {

            for (int i = 0; i < 20; i++) {
                HttpResponse<String> response = get(proxy, "/" + i);
                assertThat(response.statusCode()).as("request %d", i).isEqualTo(200);
                assertThat(response.body()).isEqualTo("ok /" + i);
            }

            assertThat(upstream.acceptedConnections()).isGreaterThanOrEqualTo(20);
            assertThat(proxy.observer.drain()).doesNotContain("upstream failed CLOSED");
        }
    }

    @Test
    void retriesOnAFreshConnectionWhenTheUpstreamClosesAfterSomeRequests() throws Exception {
        try (RawUpstream upstream = RawUpstream.closingAfter(3, RawUpstream.answering(200, "ok"));
             ProxyServer proxy = ProxyServer.start(everythingTo(upstream.url()))) {

            for (int i = 0; i < 30; i++) {
                assertThat(get(proxy, "/" + i).statusCode()).as("request %d", i).isEqualTo(200);
            }

            assertThat(upstream.acceptedConnections()).isGreaterThanOrEqualTo(10);
        }
    }

    @Test
    void resendsASmallIdempotentRequestBodyWhenTheReusedConnectionWasClosed() throws Exception {
        try (RawUpstream upstream = RawUpstream.closingAfter(1, (request, conversation) ->
                conversation.send(200, "stored " + request.bodyText()));
             ProxyServer proxy = ProxyServer.start(everythingTo(upstream.url()))) {

            for (int i = 0; i < 10; i++) {
                HttpResponse<String> response = CLIENT.send(HttpRequest.newBuilder(proxy.uri("/doc/" + i))
                        .PUT(HttpRequest.BodyPublishers.ofString("version " + i)).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(response.statusCode()).as("request %d", i).isEqualTo(200);
                assertThat(response.body()).isEqualTo("stored version " + i);
            }
        }
    }

    @Test
    void reconnectsWhenTheUpstreamClosedConnectionsThatSatIdle() throws Exception {
        try (RawUpstream upstream = RawUpstream.closingWhenIdle(Duration.ofMillis(100),
                RawUpstream.answering(200, "ok"));
             ProxyServer proxy = ProxyServer.start(everythingTo(upstream.url()))) {

            List<Integer> statuses = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                statuses.add(get(proxy, "/" + i).statusCode());
                // the behaviour under test is what happens after idleness: there is no condition to wait for
                awaitClosedByUpstream(upstream);
            }

            assertThat(statuses).containsOnly(200);
            assertThat(upstream.acceptedConnections()).isEqualTo(3);
        }
    }

    @Test
    void checksAConnectionIdleForOverASecondBeforeSendingANonIdempotentBodyOnIt() throws Exception {
        try (RawUpstream upstream = RawUpstream.closingWhenIdle(Duration.ofMillis(100), (request, conversation) ->
                conversation.send(201, "created from " + request.bodyText()));
             ProxyServer proxy = ProxyServer.start(everythingTo(upstream.url()))) {

            HttpResponse<String> first = post(proxy, "first");
            awaitClosedByUpstream(upstream);
            // past the age at which a pooled connection is probed before reuse
            Thread.sleep(UpstreamConnections.PROBE_AFTER_NANOS / 1_000_000 + 200);
            HttpResponse<String> second = post(proxy, "second");

            assertThat(first.statusCode()).isEqualTo(201);
            assertThat(second.statusCode()).isEqualTo(201);
            assertThat(second.body()).isEqualTo("created from second");
        }
    }

    @Test
    void closesConnectionsThatStayedIdleLongerThanTheIdleTimeout() throws Exception {
        try (RawUpstream upstream = RawUpstream.start(RawUpstream.answering(200, "ok"));
             ProxyServer proxy = ProxyServer.start(everythingTo(upstream.url()),
                     ProxySettings.defaults().withUpstreamIdleTimeout(Duration.ofMillis(200)))) {

            assertThat(get(proxy, "/").statusCode()).isEqualTo(200);

            assertThat(upstream.takeEnding()).isEqualTo(RawUpstream.Ending.CLIENT_CLOSED);
        }
    }

    @Test
    void closesItsIdleUpstreamConnectionsWhenClosed() throws Exception {
        try (RawUpstream upstream = RawUpstream.start(RawUpstream.answering(200, "ok"))) {
            ProxyServer proxy = ProxyServer.start(everythingTo(upstream.url()));
            assertThat(get(proxy, "/").statusCode()).isEqualTo(200);

            proxy.close();

            assertThat(upstream.takeEnding()).isEqualTo(RawUpstream.Ending.CLIENT_CLOSED);
        }
    }

    @Test
    void closesTheUpstreamConnectionInsteadOfDrainingItWhenTheClientStopsReadingADownload() throws Exception {
        long oneGib = 1L << 30;
        try (RawUpstream upstream = RawUpstream.start((request, conversation) -> {
            if (request.target().equals("/after")) {
                conversation.send(200, "still serving");
                return;
            }
            conversation.write("HTTP/1.1 200 OK\r\nContent-Length: " + oneGib + "\r\n\r\n");
            byte[] block = new byte[64 * 1024];
            for (long sent = 0; sent < oneGib; sent += block.length) {
                conversation.out().write(block);
            }
        });
             ProxyServer proxy = ProxyServer.start(everythingTo(upstream.url()))) {

            try (RawClient client = RawClient.connect(proxy.port())) {
                client.send("GET /huge HTTP/1.1", "Host: example.test");
                assertThat(client.readBytes(100_000)).hasSize(100_000);
            }

            // the upstream's writes fail once Portico closed its connection; draining would have let them succeed
            assertThat(upstream.takeEnding()).isEqualTo(RawUpstream.Ending.WRITE_FAILED);
            assertThat(proxy.observer.next()).isEqualTo("client aborted");
            assertThat(get(proxy, "/after").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void closesTheUpstreamConnectionWhenTheClientAbandonsAnUpload() throws Exception {
        try (RawUpstream upstream = RawUpstream.start((request, conversation) -> conversation.send(200, "ok"));
             ProxyServer proxy = ProxyServer.start(everythingTo(upstream.url()))) {

            try (RawClient client = RawClient.connect(proxy.port())) {
                client.send("POST /upload HTTP/1.1", "Host: example.test", "Content-Length: 10000000")
                        .sendBytes(new byte[200_000]);
            }

            assertThat(upstream.takeEnding()).isEqualTo(RawUpstream.Ending.CLIENT_CLOSED);
            assertThat(proxy.observer.next()).isEqualTo("client aborted");
        }
    }

    @Test
    void sendsRequestsToEachTargetInTurn() throws Exception {
        try (RawUpstream blue = RawUpstream.start(RawUpstream.answering(200, "blue"));
             RawUpstream green = RawUpstream.start(RawUpstream.answering(200, "green"));
             ProxyServer proxy = ProxyServer.start(everythingTo(blue.url(), green.url()))) {

            List<String> answers = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                answers.add(get(proxy, "/").body());
            }

            assertThat(answers).containsExactly("blue", "green", "blue", "green", "blue", "green");
            assertThat(blue.acceptedConnections()).isEqualTo(1);
            assertThat(green.acceptedConnections()).isEqualTo(1);
        }
    }

    private static void awaitClosedByUpstream(RawUpstream upstream) throws InterruptedException {
        assertThat(upstream.takeEnding()).isEqualTo(RawUpstream.Ending.CLOSED_BY_UPSTREAM);
    }

    private static HttpResponse<String> get(ProxyServer proxy, String path) throws IOException, InterruptedException {
        return CLIENT.send(HttpRequest.newBuilder(proxy.uri(path)).timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> post(ProxyServer proxy, String body) throws IOException, InterruptedException {
        return CLIENT.send(HttpRequest.newBuilder(proxy.uri("/items")).timeout(Duration.ofSeconds(20))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
