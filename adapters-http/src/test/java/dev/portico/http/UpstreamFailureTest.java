package dev.portico.http;

import org.junit.jupiter.api.Test;

import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static dev.portico.http.ProxyServer.everythingTo;
import static dev.portico.http.ProxyServer.route;
import static dev.portico.http.ProxyServer.routes;
import static dev.portico.http.ProxyServer.upstream;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * When there is no route or the upstream fails, the client gets a short plain-text answer, never a stack trace or
 * an address; once a response has started, a failure cuts it off visibly instead of passing it off as complete.
 */
class UpstreamFailureTest {
    private static final HttpClient CLIENT = HttpClient.newHttpClient();
    private static final Duration SHORT_TIMEOUT = Duration.ofMillis(300);

    @Test
    void answers404WhenNoRouteMatches() throws Exception {
        try (RawUpstream upstream = RawUpstream.start(RawUpstream.answering(200, "ok"));
             ProxyServer proxy = ProxyServer.start(routes(upstream("app", upstream.url()), route("api", "/api/", "app")), ProxyServer.DETAILED)) {

            HttpResponse<String> response = get(proxy, "/elsewhere");

            assertThat(response.statusCode()).isEqualTo(404);
            assertThat(response.headers().firstValue("Content-Type")).hasValue("text/plain; charset=UTF-8");
            assertThat(response.headers().firstValue("Server")).hasValue("portico");
            assertThat(response.body()).isEqualTo("404 Not Found: no route matches this host and path\n");
            assertThat(upstream.acceptedConnections()).isZero();
        }
    }

    @Test
    void tellsTheClientWhatHappenedButNothingOfTheInsideUnlessDetailedErrorsAreOn() throws Exception {
        int closedPort = unusedPort();
        try (RawUpstream resetting = RawUpstream.start((request, conversation) -> conversation.reset());
             RawUpstream hanging = RawUpstream.start((request, conversation) -> conversation.hang());
             ProxyServer proxy = ProxyServer.start(routes(List.of(upstream("refusing", "http://127.0.0.1:" + closedPort),
                     upstream("resetting", resetting.url()), upstream("hanging", hanging.url())),
                     route("a", "/refused/", "refusing"), route("b", "/reset/", "resetting"),
                     route("c", "/hangs/", "hanging", false, false, SHORT_TIMEOUT)))) {

            HttpResponse<String> refused = get(proxy, "/refused/x");
            HttpResponse<String> reset = get(proxy, "/reset/x");
            HttpResponse<String> timedOut = get(proxy, "/hangs/x");

            assertThat(refused.statusCode()).isEqualTo(503);
            assertThat(refused.body()).isEqualTo("503 Service Unavailable: no server is available to answer\n");
            assertThat(reset.statusCode()).isEqualTo(502);
            assertThat(reset.body()).isEqualTo("502 Bad Gateway: the server behind this one failed\n");
            assertThat(timedOut.statusCode()).isEqualTo(504);
            assertThat(timedOut.body()).isEqualTo("504 Gateway Timeout: the server behind this one did not answer in time\n");
            for (HttpResponse<String> response : List.of(refused, reset, timedOut)) {
                assertThat(response.body()).doesNotContain("refusing", "resetting", "hanging", "127.0.0.1",
                        String.valueOf(closedPort), String.valueOf(resetting.port()), String.valueOf(hanging.port()));
            }
        }
    }

    @Test
    void answers503WhenTheOnlyTargetRefusesConnections() throws Exception {
        int closedPort = unusedPort();
        try (ProxyServer proxy = ProxyServer.start(everythingTo("http://127.0.0.1:" + closedPort), ProxyServer.DETAILED)) {

            HttpResponse<String> response = get(proxy, "/");

            // none of the upstream's targets can be reached: the service is unavailable, not the gateway bad
            assertThat(response.statusCode()).isEqualTo(503);
            assertThat(response.headers().firstValue("Content-Type")).hasValue("text/plain; charset=UTF-8");
            assertThat(response.body())
                    .isEqualTo("503 Service Unavailable: no target of upstream 'app' could be reached (1 attempt)\n")
                    .doesNotContain("127.0.0.1").doesNotContain(String.valueOf(closedPort));
            assertThat(proxy.observer.next()).isEqualTo("upstream failed UNREACHABLE");
        }
    }

    @Test
    void answers502WhenTheTargetResetsTheConnection() throws Exception {
        try (RawUpstream upstream = RawUpstream.start((request, conversation) -> conversation.reset());
             ProxyServer proxy = ProxyServer.start(everythingTo(upstream.url()), ProxyServer.DETAILED)) {

            HttpResponse<String> response = get(proxy, "/");

            assertThat(response.statusCode()).isEqualTo(502);
            assertThat(response.body())
                    .isEqualTo("502 Bad Gateway: upstream 'app' closed the connection without a complete response\n");
            assertThat(proxy.observer.next()).isEqualTo("upstream failed CLOSED");
        }
    }

    @Test
    void answers502WhenTheTargetClosesTheConnectionWithoutAnswering() throws Exception {
        try (RawUpstream upstream = RawUpstream.start((request, conversation) -> conversation.close());
             ProxyServer proxy = ProxyServer.start(everythingTo(upstream.url()), ProxyServer.DETAILED)) {

            HttpResponse<String> response = get(proxy, "/");

            assertThat(response.statusCode()).isEqualTo(502);
            assertThat(proxy.observer.next()).isEqualTo("upstream failed CLOSED");
        }
    }

    @Test
    void answers502WhenTheTargetDiesBetweenItsHeadersAndItsBody() throws Exception {
        try (RawUpstream upstream = RawUpstream.start((request, conversation) -> {
            conversation.write("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n");
            conversation.out().flush();
            conversation.reset();
        });
             ProxyServer proxy = ProxyServer.start(everythingTo(upstream.url()), ProxyServer.DETAILED)) {

            HttpResponse<String> response = get(proxy, "/");

            assertThat(response.statusCode()).isEqualTo(502);
            assertThat(response.headers().firstValue("Content-Length")).hasValue(String.valueOf(
                    response.body().length()));
            assertThat(proxy.observer.next()).isEqualTo("upstream failed CLOSED");
        }
    }

    @Test
    void answers502WhenTheTargetDoesNotSpeakHttp() throws Exception {
        try (RawUpstream upstream = RawUpstream.start((request, conversation) -> {
            conversation.write("SSH-2.0-OpenSSH_9.6\r\n\r\n");
            conversation.close();
        });
             ProxyServer proxy = ProxyServer.start(everythingTo(upstream.url()), ProxyServer.DETAILED)) {

            HttpResponse<String> response = get(proxy, "/");

            assertThat(response.statusCode()).isEqualTo(502);
            assertThat(response.body()).isEqualTo("502 Bad Gateway: upstream 'app' sent a response that cannot be forwarded\n");
            assertThat(proxy.observer.next()).isEqualTo("upstream failed INVALID_RESPONSE");
        }
    }

    @Test
    void answers502WhenTheTargetFramesItsBodyBothWays() throws Exception {
        try (RawUpstream upstream = RawUpstream.start((request, conversation) -> conversation.write(
                "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"));
             ProxyServer proxy = ProxyServer.start(everythingTo(upstream.url()), ProxyServer.DETAILED)) {

            HttpResponse<String> response = get(proxy, "/");

            assertThat(response.statusCode()).isEqualTo(502);
            assertThat(proxy.observer.next()).isEqualTo("upstream failed INVALID_RESPONSE");
        }
    }

    @Test
    void answers504WhenNoConnectionToTheTargetCanBeMadeWithinTheConnectTimeout() throws Exception {
        // a listener whose accept queue is full drops further SYNs: connecting to it hangs until the timeout
        ServerSocket full = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        QueuedConnections queued = QueuedConnections.filling(full);
        try (full; queued; ProxyServer proxy = ProxyServer.start(everythingTo("http://127.0.0.1:" + full.getLocalPort()),
                ProxyServer.DETAILED.withConnectTimeout(SHORT_TIMEOUT))) {

            HttpResponse<String> response = get(proxy, "/");

            assertThat(response.statusCode()).isEqualTo(504);
            assertThat(response.body()).isEqualTo("504 Gateway Timeout: upstream 'app' could not be reached in time\n");
            assertThat(proxy.observer.next()).isEqualTo("upstream failed CONNECT_TIMEOUT");
        }
    }

    @Test
    void answers504AndClosesTheUpstreamConnectionWhenTheTargetDoesNotAnswerWithinTheRoutesTimeout() throws Exception {
        try (RawUpstream upstream = RawUpstream.start((request, conversation) -> conversation.hang());
             ProxyServer proxy = ProxyServer.start(routes(upstream("app", upstream.url()),
                     route("slow", "/", "app", false, false, SHORT_TIMEOUT)), ProxyServer.DETAILED)) {

            HttpResponse<String> response = get(proxy, "/report");

            assertThat(response.statusCode()).isEqualTo(504);
            assertThat(response.body()).isEqualTo("504 Gateway Timeout: upstream 'app' did not answer in time\n");
            assertThat(proxy.observer.next()).isEqualTo("upstream failed TIMEOUT");
            assertThat(upstream.takeEnding()).isEqualTo(RawUpstream.Ending.CLIENT_CLOSED);
        }
    }

    @Test
    void cutsOffTheClientsResponseWhenTheTargetDiesMidBody() throws Exception {
        try (RawUpstream upstream = RawUpstream.start((request, conversation) -> {
            conversation.write("HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n" + "x".repeat(40_000));
            conversation.out().flush();
            conversation.reset();
        });
             ProxyServer proxy = ProxyServer.start(everythingTo(upstream.url()), ProxyServer.DETAILED);
             RawClient client = RawClient.connect(proxy.port())) {

            client.send("GET /big HTTP/1.1", "Host: example.test");

            assertThatThrownBy(() -> client.read("GET")).isInstanceOf(EOFException.class)
                    .hasMessageContaining("of 100000 body bytes");
            assertThat(client.closedByPeer()).isTrue();
            assertThat(proxy.observer.next()).isEqualTo("upstream failed ABORTED_RESPONSE");
        }
    }

    @Test
    void leavesAChunkedResponseWithoutItsLastChunkWhenTheTargetDiesMidBody() throws Exception {
        try (RawUpstream upstream = RawUpstream.start((request, conversation) -> {
            conversation.write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n");
            conversation.out().flush();
            conversation.close();
        });
             ProxyServer proxy = ProxyServer.start(everythingTo(upstream.url()), ProxyServer.DETAILED);
             RawClient client = RawClient.connect(proxy.port())) {

            client.send("GET /stream HTTP/1.1", "Host: example.test");

            assertThatThrownBy(() -> client.read("GET")).isInstanceOf(IOException.class)
                    .hasMessageContaining("connection ended in a chunked body");
            assertThat(proxy.observer.next()).isEqualTo("upstream failed ABORTED_RESPONSE");
        }
    }

    @Test
    void cutsOffTheClientsResponseWhenTheTargetStallsMidBodyLongerThanTheTimeout() throws Exception {
        try (RawUpstream upstream = RawUpstream.start((request, conversation) -> {
            conversation.write("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhalf");
            conversation.out().flush();
            conversation.hang();
        });
             ProxyServer proxy = ProxyServer.start(routes(upstream("app", upstream.url()),
                     route("slow", "/", "app", false, false, SHORT_TIMEOUT)), ProxyServer.DETAILED);
             RawClient client = RawClient.connect(proxy.port())) {

            client.send("GET / HTTP/1.1", "Host: example.test");

            assertThatThrownBy(() -> client.read("GET")).isInstanceOf(EOFException.class)
                    .hasMessageContaining("after 4 of 10 body bytes");
            assertThat(proxy.observer.next()).isEqualTo("upstream failed ABORTED_RESPONSE");
            assertThat(upstream.takeEnding()).isEqualTo(RawUpstream.Ending.CLIENT_CLOSED);
        }
    }

    @Test
    void keepsServingAfterAFailure() throws Exception {
        try (RawUpstream upstream = RawUpstream.start((request, conversation) -> {
            if (request.target().equals("/reset")) {
                conversation.reset();
            } else {
                conversation.send(200, "fine");
            }
        });
             ProxyServer proxy = ProxyServer.start(everythingTo(upstream.url()), ProxyServer.DETAILED)) {

            assertThat(get(proxy, "/reset").statusCode()).isEqualTo(502);
            HttpResponse<String> after = get(proxy, "/next");

            assertThat(after.statusCode()).isEqualTo(200);
            assertThat(after.body()).isEqualTo("fine");
        }
    }

    private static HttpResponse<String> get(ProxyServer proxy, String path) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(proxy.uri(path)).timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Connections that sit in a listener's accept queue, never accepted, until closed. */
    private record QueuedConnections(List<Socket> sockets) implements AutoCloseable {
        static QueuedConnections filling(ServerSocket listener) throws IOException {
            List<Socket> sockets = new ArrayList<>();
            // Linux queues backlog + 1 connections; one more would itself hang
            for (int i = 0; i < 2; i++) {
                sockets.add(new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort()));
            }
            return new QueuedConnections(sockets);
        }

        @Override
        public void close() throws IOException {
            for (Socket socket : sockets) {
                socket.close();
            }
        }
    }

    /** A port nothing listens on: bound once by the OS, then released. */
    static int unusedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
