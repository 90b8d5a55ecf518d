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

import static org.assertj.core.api.Assertions.assertThat;

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
