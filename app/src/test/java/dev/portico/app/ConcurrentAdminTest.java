package dev.portico.app;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole stack (admin API, domain, Jdbi on the embedded H2, routing table, proxy) under concurrent writers, and
 * the time from a write's 2xx to the proxy using it. Prints the figures it measures.
 */
class ConcurrentAdminTest {
    private static final String TOKEN = "concurrent-admin-token-0123456789";
    private static final Duration HAMMER = Duration.ofSeconds(Long.getLong("portico.test.hammerSeconds", 30));

    @TempDir
    Path dataDir;
    private Portico portico;
    private TestUpstream upstream;
    private final HttpClient client = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        upstream = new TestUpstream("app");
        portico = Portico.start(Settings.fromEnvironment(Map.of(
                "PORTICO_DATA_DIR", dataDir.toString(), "PORTICO_HTTP_HOST", "127.0.0.1",
                "PORTICO_HTTP_PORT", "0", "PORTICO_HTTPS_PORT", "0", "PORTICO_ADMIN_PORT", "0", "PORTICO_ADMIN_TOKEN", TOKEN)));
    }

    @AfterEach
    void stop() {
        portico.close();
        upstream.close();
    }

    /** What the last acknowledged write of one resource left: its JSON, or null when it deleted it. */
    private record Ack(long revision, String json) {
    }

    @Test
    void fiftyWritersLeaveExactlyTheLastAcknowledgedWriteOfEachResource() throws Exception {
        AdminClient admin = new AdminClient(HttpClient.newBuilder().build(), "http://127.0.0.1:" + portico.adminPort(), TOKEN);
        assertThat(admin.put("/v1/upstreams/base", "{\"targets\":[{\"url\":\"" + upstream.url() + "\"}]}").statusCode())
                .isEqualTo(201);
        List<String> resources = List.of("upstreams/u0", "upstreams/u1", "upstreams/u2", "routes/r0", "routes/r1",
                "routes/r2", "routes/r3");
        Map<String, Ack> last = new ConcurrentHashMap<>();
        AtomicLong writes = new AtomicLong();
        AtomicLong conflicts = new AtomicLong();
        AtomicLong refused = new AtomicLong();
        List<String> unexpected = java.util.Collections.synchronizedList(new ArrayList<>());
        long deadline = System.nanoTime() + HAMMER.toNanos();

        List<Thread> writers = new ArrayList<>();
        for (int w = 0; w < 50; w++) {
            writers.add(Thread.ofVirtual().start(() -> {
                ThreadLocalRandom random = ThreadLocalRandom.current();
                while (System.nanoTime() < deadline) {
                    String resource = resources.get(random.nextInt(resources.size()));
                    boolean conditional = random.nextBoolean();
                    String ifMatch = null;
                    if (conditional) {
                        HttpResponse<String> read = admin.get("/v1/" + resource);
                        ifMatch = read.headers().firstValue("ETag").orElse(null);
                    }
                    HttpResponse<String> answer;
                    String json = null;
                    if (random.nextInt(5) == 0) {
                        answer = send(admin, "DELETE", resource, null, ifMatch);
                    } else {
                        json = resource.startsWith("upstreams/")
                                ? "{\"targets\":[{\"url\":\"" + upstream.url() + "\",\"weight\":" + (1 + random.nextInt(9)) + "}]}"
                                : "{\"pathPrefix\":\"/p" + random.nextInt(1000) + "/\",\"upstream\":\"base\"}";
                        answer = send(admin, "PUT", resource, json, ifMatch);
                    }
                    int status = answer.statusCode();
                    if (status >= 200 && status < 300) {
                        writes.incrementAndGet();
                        long revision = Long.parseLong(answer.headers().firstValue("Portico-Revision").orElseThrow());
                        Ack ack = new Ack(revision, json == null ? null : answer.body());
                        last.merge(resource, ack, (a, b) -> a.revision() >= b.revision() ? a : b);
                    } else if (status == 412) {
                        conflicts.incrementAndGet();
                    } else if (status == 404 || status == 409) {
                        refused.incrementAndGet();
                    } else {
                        unexpected.add(status + " " + answer.body());
                    }
                }
            }));
        }
        for (Thread writer : writers) {
            writer.join(HAMMER.plusSeconds(60).toMillis());
            assertThat(writer.isAlive()).as("a writer is stuck: deadlock?").isFalse();
        }

        assertThat(unexpected).isEmpty();
        for (String resource : resources) {
            Ack ack = last.get(resource);
            HttpResponse<String> stored = admin.get("/v1/" + resource);
            if (ack == null || ack.json() == null) {
                assertThat(stored.statusCode()).as(resource).isEqualTo(404);
            } else {
                assertThat(stored.statusCode()).as(resource).isEqualTo(200);
                assertThat(stored.body()).as(resource).isEqualTo(ack.json());
                assertThat(stored.headers().firstValue("ETag")).hasValue("\"" + ack.revision() + "\"");
            }
        }
        System.out.printf("concurrent admin writers: 50 for %d s: %d acknowledged writes (%.0f/s), %d 412 conflicts,"
                        + " %d 404/409 refusals, 0 unexpected answers; store equals the last acknowledged write of each"
                        + " of %d resources%n", HAMMER.toSeconds(), writes.get(), writes.get() / (double) HAMMER.toSeconds(),
                conflicts.get(), refused.get(), resources.size());
    }

    private static HttpResponse<String> send(AdminClient admin, String method, String resource, String json,
                                             String ifMatch) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(admin.baseUrl() + "/v1/" + resource))
                .header("Authorization", "Bearer " + admin.token())
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) {
            request.header("Content-Type", "application/json");
        }
        if (ifMatch != null) {
            request.header("If-Match", ifMatch);
        }
        try {
            return admin.http().send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void theRequestAfterAWritesAnswerAlreadyUsesIt() throws Exception {
        AdminClient admin = AdminClient.of(portico.adminPort(), TOKEN);
        admin.put("/v1/upstreams/app", "{\"targets\":[{\"url\":\"" + upstream.url() + "\"}]}");
        int rounds = 300;
        long[] putNanos = new long[rounds];
        long[] nextRequestNanos = new long[rounds];
        for (int i = 0; i < rounds; i++) {
            long start = System.nanoTime();
            assertThat(admin.put("/v1/routes/moving", "{\"pathPrefix\":\"/v" + i + "/\",\"upstream\":\"app\"}")
                    .statusCode()).isIn(200, 201);
            long acknowledged = System.nanoTime();
            HttpResponse<String> proxied = client.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + portico.httpPort() + "/v" + i + "/x")).build(),
                    HttpResponse.BodyHandlers.ofString());
            long served = System.nanoTime();
            // No sleep, no retry: the very next request is routed by the new prefix, and the old one is gone.
            assertThat(proxied.statusCode()).isEqualTo(200);
            assertThat(proxied.body()).startsWith("app GET /v" + i + "/x");
            if (i > 0) {
                assertThat(client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + portico.httpPort()
                        + "/v" + (i - 1) + "/x")).build(), HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(404);
            }
            putNanos[i] = acknowledged - start;
            nextRequestNanos[i] = served - acknowledged;
        }
        System.out.printf("write to live: PUT round trip p50 %.2f ms p99 %.2f ms; from its 2xx to the next proxied"
                        + " response using it p50 %.2f ms p99 %.2f ms (%d rounds)%n",
                percentile(putNanos, 50), percentile(putNanos, 99), percentile(nextRequestNanos, 50),
                percentile(nextRequestNanos, 99), rounds);
    }

    private static double percentile(long[] nanos, int p) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return sorted[Math.min(sorted.length - 1, sorted.length * p / 100)] / 1e6;
    }
}
