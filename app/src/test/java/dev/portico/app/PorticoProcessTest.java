package dev.portico.app;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Portico as a real process: killed with SIGKILL, and moving 1 GiB bodies within a 256 MiB heap. */
class PorticoProcessTest {
    private static final String TOKEN = "process-test-token-0123456789";
    private static final long ONE_GIB = 1L << 30;

    @TempDir
    Path dataDir;
    private TestUpstream upstream;
    private PorticoProcess portico;
    private final HttpClient client = HttpClient.newHttpClient();

    @BeforeEach
    void startUpstream() throws IOException {
        upstream = new TestUpstream("app");
    }

    @AfterEach
    void stopAll() throws InterruptedException {
        if (portico != null) {
            portico.close();
        }
        upstream.close();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + portico.httpPort() + path))
                .header("Host", "example.com").build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void everyAcknowledgedChangeSurvivesKillMinus9() throws Exception {
        portico = PorticoProcess.start(dataDir, TOKEN, "256m");
        AdminClient admin = AdminClient.of(portico.adminPort(), TOKEN);
        assertThat(admin.put("/v1/upstreams/app", "{\"targets\":[{\"url\":\"" + upstream.url() + "\"}]}")
                .statusCode()).isEqualTo(201);
        for (int i = 0; i < 20; i++) {
            assertThat(admin.put("/v1/routes/r" + i, "{\"pathPrefix\":\"/r" + i + "/\",\"upstream\":\"app\"}")
                    .statusCode()).isEqualTo(201);
        }
        assertThat(admin.delete("/v1/routes/r0").statusCode()).isEqualTo(204);
        // The kill follows the last acknowledgement at once: nothing may be waiting in a write-behind buffer.
        portico.kill();

        portico = PorticoProcess.start(dataDir, TOKEN, "256m");
        assertThat(get("/r19/x").statusCode()).isEqualTo(200);
        assertThat(get("/r19/x").body()).startsWith("app GET /r19/x");
        assertThat(get("/r0/x").statusCode()).isEqualTo(404);
        String routes = AdminClient.of(portico.adminPort(), TOKEN).get("/v1/routes").body();
        for (int i = 1; i < 20; i++) {
            assertThat(routes).contains("\"r" + i + "\"");
        }
    }

    @Test
    void sigtermLetsARequestInFlightFinishRefusesNewConnectionsAndExitsWhenItEnds() throws Exception {
        portico = PorticoProcess.start(dataDir, TOKEN, "256m");
        AdminClient admin = AdminClient.of(portico.adminPort(), TOKEN);
        admin.put("/v1/upstreams/app", "{\"targets\":[{\"url\":\"" + upstream.url() + "\"}]}");
        admin.put("/v1/routes/all", "{\"upstream\":\"app\"}");
        assertThat(probe("/readyz").statusCode()).isEqualTo(200);
        CompletableFuture<HttpResponse<String>> inFlight = client.sendAsync(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + portico.httpPort() + "/slow/3000"))
                        .header("Host", "example.com").build(), HttpResponse.BodyHandlers.ofString());
        await().atMost(Duration.ofSeconds(10)).until(() -> upstream.slowArrivals() == 1);

        long terminatedAt = System.nanoTime();
        portico.terminate();

        // as soon as the signal is handled the probe says not ready, and the proxy takes no new connection
        await().atMost(Duration.ofSeconds(2)).until(() -> probe("/readyz").statusCode() == 503);
        HttpResponse<String> ready = probe("/readyz");
        assertThat(ready.body()).contains("\"status\":\"not ready\"").contains("stopping");
        assertThat(newConnectionIsServed(portico.httpPort())).isFalse();
        // the request in flight gets its whole body (its head went out before the signal, so its connection's end is
        // not announced in it: the connection simply closes after it)
        HttpResponse<String> finished = inFlight.get(20, TimeUnit.SECONDS);
        assertThat(finished.statusCode()).isEqualTo(200);
        assertThat(finished.body()).isEqualTo("first halfother half");
        long finishedAt = System.nanoTime();
        // and the process ends as soon as it is done, not at the end of the 30 s grace
        assertThat(portico.awaitExit(Duration.ofSeconds(10))).isZero();
        long exitedAt = System.nanoTime();
        System.out.printf("SIGTERM test: the request in flight finished %d ms after the signal, the process exited %d ms"
                + " after it finished%n", Duration.ofNanos(finishedAt - terminatedAt).toMillis(),
                Duration.ofNanos(exitedAt - finishedAt).toMillis());
        assertThat(Duration.ofNanos(exitedAt - finishedAt)).isLessThan(Duration.ofSeconds(3));
        assertThat(Duration.ofNanos(exitedAt - terminatedAt)).isLessThan(Duration.ofSeconds(8));
        // (the process has ended; its last lines may still be on their way through the pipe)
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(portico.output())
                .anyMatch(line -> line.contains("Stopping: 1 request in flight on 1 client connection;"))
                .anyMatch(line -> line.contains("requests in flight: 1 finished, 0 cut")));
        assertThat(portico.output()).noneMatch(line -> line.contains("changed by another node"));
        portico = null;
    }

    private HttpResponse<String> probe(String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + portico.adminPort() + path))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Whether a request on a new connection is answered (a refused or closed connection is not). */
    private static boolean newConnectionIsServed(int port) {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(5_000);
            socket.getOutputStream().write("GET / HTTP/1.1\r\nHost: example.com\r\n\r\n"
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            return socket.getInputStream().read() >= 0;
        } catch (IOException refusedOrClosed) {
            return false;
        }
    }

    /**
     * A heap too small for the connections it was told it may hold (the defaults fit the default heap; these do not):
     * when the memory runs out the process ends, so that a supervisor restarts it, rather than living on without
     * serving.
     */
    @Test
    void exitsRatherThanLimpsWhenItsMemoryRunsOut() throws Exception {
        portico = PorticoProcess.start(dataDir, TOKEN, "48m", Map.of("PORTICO_MAX_CLIENT_CONNECTIONS", "100000"));
        List<Socket> clients = new ArrayList<>();
        try {
            int exit = -1;
            for (int i = 0; i < 20_000 && exit < 0; i++) {
                try {
                    clients.add(new Socket(InetAddress.getLoopbackAddress(), portico.httpPort()));
                } catch (IOException refused) {
                    exit = portico.awaitExit(Duration.ofSeconds(30));
                }
                if (i % 500 == 499) {
                    exit = portico.awaitExit(Duration.ofMillis(10));
                }
            }
            if (exit < 0) {
                exit = portico.awaitExit(Duration.ofSeconds(30));
            }

            assertThat(exit).as(String.join("\n", portico.output())).isEqualTo(3);
            assertThat(portico.output()).anyMatch(line -> line.contains("OutOfMemoryError"));
        } finally {
            for (Socket client : clients) {
                client.close();
            }
        }
    }

    @Test
    void oneGibibyteStreamsBothWaysThroughA256MibHeap() throws Exception {
        portico = PorticoProcess.start(dataDir, TOKEN, "256m");
        AdminClient admin = AdminClient.of(portico.adminPort(), TOKEN);
        admin.put("/v1/upstreams/app", "{\"targets\":[{\"url\":\"" + upstream.url() + "\"}]}");
        admin.put("/v1/routes/all", "{\"upstream\":\"app\"}");
        String expected = TestUpstream.digest(new TestUpstream.PatternInputStream(ONE_GIB));
        URI base = URI.create("http://127.0.0.1:" + portico.httpPort());

        HttpResponse<java.io.InputStream> download = client.send(
                HttpRequest.newBuilder(base.resolve("/download/" + ONE_GIB)).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(download.statusCode()).isEqualTo(200);
        assertThat(download.headers().firstValueAsLong("Content-Length")).hasValue(ONE_GIB);
        try (var body = download.body()) {
            assertThat(TestUpstream.digest(body)).isEqualTo(expected);
        }

        HttpResponse<String> chunkedUpload = client.send(HttpRequest.newBuilder(base.resolve("/upload"))
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new TestUpstream.PatternInputStream(ONE_GIB)))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(chunkedUpload.statusCode()).isEqualTo(200);
        assertThat(chunkedUpload.body()).isEqualTo(expected);

        HttpResponse<String> fixedLengthUpload = client.send(HttpRequest.newBuilder(base.resolve("/upload"))
                .POST(HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(
                        () -> new TestUpstream.PatternInputStream(ONE_GIB)), ONE_GIB))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(fixedLengthUpload.statusCode()).isEqualTo(200);
        assertThat(fixedLengthUpload.body()).isEqualTo(expected);
    }
}
