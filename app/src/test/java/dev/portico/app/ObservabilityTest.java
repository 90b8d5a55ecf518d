package dev.portico.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The access log and the metrics of Portico wired as main wires it: real requests through the proxy, the log's lines
 * read back from its file, the metrics scraped from the admin API as Prometheus scrapes them.
 */
class ObservabilityTest {
    private static final String TOKEN = "observability-test-token-0123456789";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern SAMPLE = Pattern.compile("^([a-z_]+)(?:\\{([^}]*)})? (\\S+)$");

    private final HttpClient client = HttpClient.newHttpClient();
    @TempDir
    Path dir;
    private TestUpstream upstream;
    private Portico portico;
    private AdminClient admin;
    private int closedPort;
    private int starts;

    @BeforeEach
    void startUpstream() throws Exception {
        upstream = new TestUpstream("app");
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
    }

    @AfterEach
    void stopAll() {
        if (portico != null) {
            portico.close();
        }
        upstream.close();
    }

    private void start(Map<String, String> extra) {
        Map<String, String> env = new HashMap<>(Map.of(
                "PORTICO_DATA_DIR", dir.resolve("data" + starts++).toString(),
                "PORTICO_HTTP_HOST", "127.0.0.1",
                "PORTICO_HTTP_PORT", "0",
                "PORTICO_HTTPS_PORT", "0",
                "PORTICO_ADMIN_PORT", "0",
                "PORTICO_ADMIN_TOKEN", TOKEN,
                "PORTICO_ACCESS_LOG", dir.resolve("access.log").toString()));
        env.putAll(extra);
        portico = Portico.start(Settings.fromEnvironment(env));
        admin = AdminClient.of(portico.adminPort(), TOKEN);
        assertThat(admin.put("/v1/upstreams/app", "{\"targets\":[{\"url\":\"" + upstream.url() + "\"}]}")
                .statusCode()).isEqualTo(201);
        assertThat(admin.put("/v1/upstreams/gone", "{\"targets\":[{\"url\":\"http://127.0.0.1:" + closedPort
                + "\"}]}").statusCode()).isEqualTo(201);
        assertThat(admin.put("/v1/routes/api", "{\"pathPrefix\":\"/api/\",\"upstream\":\"app\"}").statusCode())
                .isEqualTo(201);
        assertThat(admin.put("/v1/routes/down", "{\"pathPrefix\":\"/down/\",\"upstream\":\"gone\"}").statusCode())
                .isEqualTo(201);
    }

    private HttpResponse<String> get(String path, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + portico.httpPort() + path));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> scrape(int port, String token, String accept) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (accept != null) {
            request.header("Accept", accept);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private List<JsonNode> accessLog(int lines) {
        Path file = dir.resolve("access.log");
        return await().atMost(Duration.ofSeconds(10)).until(() -> {
            List<JsonNode> parsed = new ArrayList<>();
            if (Files.exists(file)) {
                for (String line : Files.readAllLines(file)) {
                    parsed.add(JSON.readTree(line));
                }
            }
            return parsed;
        }, parsed -> parsed.size() >= lines);
    }

    /** The value of the sample of {@code name} whose labels include all of {@code labels} ({@code key="value"}). */
    private static OptionalDouble sample(String metrics, String name, String... labels) {
        for (String line : metrics.split("\n")) {
            Matcher m = SAMPLE.matcher(line);
            if (m.matches() && m.group(1).equals(name)
                    && List.of(m.group(2) == null ? new String[0] : m.group(2).split(",")).containsAll(List.of(labels))) {
                return OptionalDouble.of(Double.parseDouble(m.group(3)));
            }
        }
        return OptionalDouble.empty();
    }

    @Test
    void aProxiedRequestA404AndAnUnreachableUpstreamEachGetALogLineAndTheirCounters() throws Exception {
        start(Map.of());

        HttpResponse<String> ok = get("/api/hello?x=1", "User-Agent", "probe/1.0");
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(get("/nowhere").statusCode()).isEqualTo(404);
        assertThat(get("/down/").statusCode()).isEqualTo(503);

        List<JsonNode> lines = accessLog(3);
        JsonNode proxied = lines.stream().filter(l -> l.path("status").asInt() == 200).findFirst().orElseThrow();
        assertThat(proxied.path("request_id").asText()).isEqualTo(ok.headers().firstValue("X-Request-Id").orElseThrow());
        assertThat(proxied.path("method").asText()).isEqualTo("GET");
        assertThat(proxied.path("path").asText()).isEqualTo("/api/hello?x=1");
        assertThat(proxied.path("client_ip").asText()).isEqualTo("127.0.0.1");
        assertThat(proxied.path("route").asText()).isEqualTo("api");
        assertThat(proxied.path("upstream").asText()).isEqualTo("app");
        assertThat(proxied.path("target").asText()).isEqualTo(upstream.url());
        assertThat(proxied.path("user_agent").asText()).isEqualTo("probe/1.0");
        assertThat(proxied.path("upstream_ms").isNumber()).isTrue();
        assertThat(proxied.path("bytes_out").asLong()).isEqualTo(ok.body().length());
        assertThat(lines).anySatisfy(l -> {
            assertThat(l.path("status").asInt()).isEqualTo(404);
            assertThat(l.path("route").isNull()).isTrue();
        });
        assertThat(lines).anySatisfy(l -> {
            assertThat(l.path("status").asInt()).isEqualTo(503);
            assertThat(l.path("route").asText()).isEqualTo("down");
            assertThat(l.path("attempts").asInt()).isEqualTo(1);
        });

        HttpResponse<String> metrics = scrape(portico.adminPort(), TOKEN, null);
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.headers().firstValue("Content-Type")).hasValueSatisfying(type ->
                assertThat(type).startsWith("text/plain").contains("version=0.0.4"));
        String text = metrics.body();
        assertThat(sample(text, "portico_requests_total", "route=\"api\"", "upstream=\"app\"", "code=\"2xx\""))
                .hasValue(1.0);
        assertThat(sample(text, "portico_requests_total", "route=\"\"", "code=\"4xx\"")).hasValue(1.0);
        assertThat(sample(text, "portico_requests_total", "route=\"down\"", "code=\"5xx\"")).hasValue(1.0);
        assertThat(sample(text, "portico_request_duration_seconds_count", "route=\"api\"")).hasValue(1.0);
        assertThat(sample(text, "portico_upstream_duration_seconds_count", "upstream=\"app\"")).hasValue(1.0);
        assertThat(sample(text, "portico_upstream_failures_total", "upstream=\"gone\"", "kind=\"refused\""))
                .hasValue(1.0);
        assertThat(sample(text, "portico_target_up", "upstream=\"app\"")).hasValue(1.0);
        assertThat(sample(text, "portico_target_in_flight", "upstream=\"app\"")).hasValue(0.0);
        assertThat(sample(text, "portico_config_revision")).hasValue(4.0);
        assertThat(sample(text, "portico_connections_open", "listener=\"http\"", "protocol=\"http/1.1\""))
                .isPresent();
        assertThat(sample(text, "portico_connections_open", "listener=\"https\"", "protocol=\"h2\""))
                .isPresent();
        assertThat(sample(text, "portico_access_log_dropped_total")).hasValue(0.0);
        assertThat(text).contains("jvm_memory_used_bytes");
    }

    @Test
    void theMetricsWantATokenAndSpeakOpenMetricsWhenAsked() throws Exception {
        start(Map.of());

        assertThat(scrape(portico.adminPort(), null, null).statusCode()).isEqualTo(401);
        HttpResponse<String> openMetrics = scrape(portico.adminPort(), TOKEN,
                "application/openmetrics-text; version=1.0.0; charset=utf-8");
        assertThat(openMetrics.statusCode()).isEqualTo(200);
        assertThat(openMetrics.headers().firstValue("Content-Type")).hasValueSatisfying(type ->
                assertThat(type).startsWith("application/openmetrics-text"));
        assertThat(openMetrics.body()).endsWith("# EOF\n");
    }

    @Test
    void aDeletedRouteUpstreamAndTargetTakeTheirSeriesWithThem() throws Exception {
        start(Map.of());
        assertThat(get("/api/one").statusCode()).isEqualTo(200);
        assertThat(get("/down/").statusCode()).isEqualTo(503);
        String before = scrape(portico.adminPort(), TOKEN, null).body();
        assertThat(before).contains("route=\"api\"").contains("upstream=\"gone\"");

        assertThat(admin.delete("/v1/routes/api").statusCode()).isEqualTo(204);
        assertThat(admin.delete("/v1/routes/down").statusCode()).isEqualTo(204);
        assertThat(admin.delete("/v1/upstreams/gone").statusCode()).isEqualTo(204);

        String after = scrape(portico.adminPort(), TOKEN, null).body();
        assertThat(after).doesNotContain("route=\"api\"").doesNotContain("route=\"down\"")
                .doesNotContain("upstream=\"gone\"");
        // the upstream still stored keeps its target's series
        assertThat(sample(after, "portico_upstream_duration_seconds_count", "upstream=\"app\"")).hasValue(1.0);
        assertThat(sample(after, "portico_target_up", "upstream=\"app\"")).hasValue(1.0);
    }

    @Test
    void theHealthListenerServesTheMetricsOnlyWhenTheOperatorOptsIn() throws Exception {
        start(Map.of("PORTICO_HEALTH_HOST", "127.0.0.1", "PORTICO_HEALTH_PORT", "0", "PORTICO_METRICS_PUBLIC", "true"));
        assertThat(scrape(portico.healthPort(), null, null).statusCode()).isEqualTo(200);
        portico.close();
        portico = null;

        start(Map.of("PORTICO_HEALTH_HOST", "127.0.0.1", "PORTICO_HEALTH_PORT", "0"));
        assertThat(scrape(portico.healthPort(), null, null).statusCode()).isEqualTo(404);
    }

    @Test
    void metricsTurnedOffAreNotServedAndTheAccessLogStillWritten() throws Exception {
        start(Map.of("PORTICO_METRICS", "false"));
        assertThat(get("/api/quiet").statusCode()).isEqualTo(200);

        assertThat(scrape(portico.adminPort(), TOKEN, null).statusCode()).isEqualTo(404);
        assertThat(accessLog(1)).anySatisfy(l -> assertThat(l.path("path").asText()).isEqualTo("/api/quiet"));
    }

    @Test
    void afterLogrotateMovesTheFileSighupStartsANewOneAndNoLineIsLost() throws Exception {
        Path log = dir.resolve("process-access.log");
        Path rotated = dir.resolve("process-access.log.1");
        try (PorticoProcess process = PorticoProcess.start(dir.resolve("process"), TOKEN, "256m",
                Map.of("PORTICO_ACCESS_LOG", log.toString()))) {
            AdminClient processAdmin = AdminClient.of(process.adminPort(), TOKEN);
            assertThat(processAdmin.put("/v1/upstreams/app", "{\"targets\":[{\"url\":\"" + upstream.url() + "\"}]}")
                    .statusCode()).isEqualTo(201);
            assertThat(processAdmin.put("/v1/routes/api", "{\"pathPrefix\":\"/api/\",\"upstream\":\"app\"}")
                    .statusCode()).isEqualTo(201);
            String base = "http://127.0.0.1:" + process.httpPort();
            assertThat(getStatus(base + "/api/before")).isEqualTo(200);
            await().atMost(Duration.ofSeconds(10)).until(() -> Files.readString(log).contains("/api/before"));

            // logrotate's create mode: rename, create an empty file, then SIGHUP from postrotate
            Files.move(log, rotated);
            Files.createFile(log);
            assertThat(getStatus(base + "/api/between")).isEqualTo(200);
            // until the signal, lines go on into the moved file, which Portico still has open
            await().atMost(Duration.ofSeconds(10)).until(() -> Files.readString(rotated).contains("/api/between"));
            process.hangUp();
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                assertThat(getStatus(base + "/api/after")).isEqualTo(200);
                return Files.readString(log).contains("/api/after");
            });

            String old = Files.readString(rotated);
            assertThat(old).contains("/api/before").contains("/api/between");
            assertThat(Files.readString(log)).doesNotContain("/api/before").doesNotContain("/api/between");
            for (String line : (old + Files.readString(log)).split("\n")) {
                assertThat(JSON.readTree(line).path("status").asInt()).as(line).isEqualTo(200);
            }
        }
    }

    private int getStatus(String url) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    @Test
    void anAccessLogThatCannotBeWrittenStopsTheStartWithOneLine() {
        Map<String, String> env = Map.of("PORTICO_DATA_DIR", dir.resolve("data" + starts++).toString(),
                "PORTICO_HTTP_HOST", "127.0.0.1", "PORTICO_HTTP_PORT", "0", "PORTICO_HTTPS_PORT", "0",
                "PORTICO_ADMIN_PORT", "0", "PORTICO_ACCESS_LOG", dir.resolve("no/such/dir/access.log").toString());

        assertThatThrownBy(() -> Portico.start(Settings.fromEnvironment(env)))
                .hasMessage("cannot write the access log to " + dir.resolve("no/such/dir/access.log")
                        + " (PORTICO_ACCESS_LOG): its directory does not exist or is not writable");
    }
}
