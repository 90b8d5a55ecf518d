package dev.portico.admin;

import dev.portico.domain.routing.ResolvedRoute;
import dev.portico.domain.testing.WriteLedger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fifty writers hammer the API over HTTP for half a minute: puts and deletes of a few upstreams and routes, with and
 * without If-Match, and now and then a whole configuration. Afterwards the store must hold, for each resource, the
 * last acknowledged write; no answer may be a 500; every acknowledged write must have been live when it was answered.
 */
class ConcurrentWritersTest {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> UPSTREAMS = List.of("u0", "u1", "u2", "u3");
    private static final List<String> ROUTES = List.of("r0", "r1", "r2", "r3");

    private final AdminServer server = AdminServer.start();

    @AfterEach
    void stop() {
        server.close();
    }

    /** An upstream as the API shows it; sent as it is, it is also a valid body. */
    static JsonNode upstream(String name, int weight) {
        return json("{\"name\":\"" + name + "\",\"targets\":[{\"url\":\"http://127.0.0.1:9001\",\"weight\":"
                + weight + ",\"maxConnections\":0,\"drain\":false}],\"policy\":\"round_robin\","
                + "\"passive\":{\"maxFailures\":3,\"windowMs\":10000,\"ejectMs\":1000,\"maxEjectMs\":10000,\"count5xx\":false},"
                + "\"retries\":{\"attempts\":2,\"totalTimeoutMs\":10000}}");
    }

    static JsonNode route(String name, String upstream, long timeoutMs) {
        return json("{\"name\":\"" + name + "\",\"hosts\":[],\"pathPrefix\":\"/" + name + "/\",\"upstream\":\""
                + upstream + "\",\"stripPrefix\":false,\"preserveHost\":false,\"timeoutMs\":" + timeoutMs
                + ",\"redirectToHttps\":false,\"webSocketIdleTimeoutMs\":3600000}");
    }

    /** Parsed, so that it compares equal to the same JSON read from an answer (numbers as the parser types them). */
    static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What all writers saw. */
    static final class Tally {
        final AtomicLong conflicts = new AtomicLong();
        final AtomicLong refusals = new AtomicLong();
        final ConcurrentLinkedQueue<Long> putNanos = new ConcurrentLinkedQueue<>();
        final ConcurrentLinkedQueue<String> unexpected = new ConcurrentLinkedQueue<>();
    }

    /** One writer: its own random choices, its own last revision, which must only rise. */
    final class Writer {
        private final Random random;
        private final WriteLedger ledger;
        private final Tally tally;
        private long lastRevision;

        Writer(int seed, WriteLedger ledger, Tally tally) {
            this.random = new Random(seed);
            this.ledger = ledger;
            this.tally = tally;
        }

        void run(long deadline) {
            while (System.nanoTime() < deadline) {
                int pick = random.nextInt(100);
                if (pick < 30) {
                    String name = pick(UPSTREAMS);
                    put("/v1/upstreams/" + name, "upstreams/" + name, upstream(name, 1 + random.nextInt(1000)));
                } else if (pick < 40) {
                    String name = pick(UPSTREAMS);
                    delete("/v1/upstreams/" + name, "upstreams/" + name);
                } else if (pick < 75) {
                    String name = pick(ROUTES);
                    put("/v1/routes/" + name, "routes/" + name, route(name, pick(UPSTREAMS), 1 + random.nextInt(100_000)));
                } else if (pick < 92) {
                    String name = pick(ROUTES);
                    delete("/v1/routes/" + name, "routes/" + name);
                } else {
                    replaceAll();
                }
            }
        }

        private void put(String path, String resource, JsonNode body) {
            HttpRequest.Builder request = conditional(server.request(path), path)
                    .header("Content-Type", "application/json")
                    .PUT(HttpRequest.BodyPublishers.ofString(body.toString()));
            long started = System.nanoTime();
            AdminServer.Reply reply = server.send(request);
            tally.putNanos.add(System.nanoTime() - started);
            if (reply.status() == 200 || reply.status() == 201) {
                if (!reply.json().equals(body)) {
                    tally.unexpected.add("answered other than put: " + reply + " for " + body);
                }
                acknowledged(resource, Long.parseLong(reply.header("Portico-Revision")), body);
            } else {
                counted(reply);
            }
        }

        private void delete(String path, String resource) {
            AdminServer.Reply reply = server.send(conditional(server.request(path), path).DELETE());
            if (reply.status() == 204) {
                acknowledged(resource, Long.parseLong(reply.header("Portico-Revision")), null);
            } else {
                counted(reply);
            }
        }

        private void replaceAll() {
            ObjectNode document = NODES.objectNode();
            ObjectNode upstreams = document.putObject("upstreams");
            ObjectNode routes = document.putObject("routes");
            Map<String, Optional<Object>> contents = new HashMap<>();
            List<String> kept = new ArrayList<>();
            for (String name : UPSTREAMS) {
                contents.put("upstreams/" + name, Optional.empty());
                if (random.nextBoolean()) {
                    JsonNode upstream = upstream(name, 1 + random.nextInt(1000));
                    upstreams.set(name, upstream);
                    contents.put("upstreams/" + name, Optional.of(upstream));
                    kept.add(name);
                }
            }
            for (String name : ROUTES) {
                contents.put("routes/" + name, Optional.empty());
                if (!kept.isEmpty() && random.nextBoolean()) {
                    JsonNode route = route(name, kept.get(random.nextInt(kept.size())), 1 + random.nextInt(100_000));
                    routes.set(name, route);
                    contents.put("routes/" + name, Optional.of(route));
                }
            }
            HttpRequest.Builder request = server.request("/v1/config").header("Content-Type", "application/json");
            if (random.nextBoolean()) {
                request.header("If-Match", server.get("/v1/config").header("ETag"));
            }
            AdminServer.Reply reply = server.send(request.PUT(HttpRequest.BodyPublishers.ofString(document.toString())));
            if (reply.status() != 200) {
                counted(reply);
                return;
            }
            long revision = reply.json().path("revision").asLong();
            boolean wrote = reply.header("Portico-Revision") != null && changed(reply.json());
            if (wrote) {
                rising(revision);
            }
            live(revision);
            ledger.writeAll(contents, revision, wrote);
        }

        /** Half the writes are unconditional; the others carry the ETag just read (or If-None-Match: *). */
        private HttpRequest.Builder conditional(HttpRequest.Builder request, String path) {
            if (random.nextBoolean()) {
                return request;
            }
            AdminServer.Reply current = server.get(path);
            return current.status() == 200 ? request.header("If-Match", current.header("ETag"))
                    : request.header("If-None-Match", "*");
        }

        private void acknowledged(String resource, long revision, JsonNode content) {
            rising(revision);
            live(revision);
            ledger.write(resource, revision, Optional.ofNullable(content));
        }

        private void rising(long revision) {
            if (revision <= lastRevision) {
                tally.unexpected.add("acknowledged revision " + revision + " after " + lastRevision);
            }
            lastRevision = revision;
        }

        /** A 2xx means live: the routing table already reflects this revision (or a later one). */
        private void live(long revision) {
            long table = server.routing.current().revision();
            if (table < revision) {
                tally.unexpected.add("revision " + revision + " answered while the live table was at " + table);
            }
        }

        private void counted(AdminServer.Reply reply) {
            switch (reply.status()) {
                case 412 -> tally.conflicts.incrementAndGet();
                case 400, 404, 409 -> tally.refusals.incrementAndGet();
                default -> tally.unexpected.add(reply.toString());
            }
        }

        private String pick(List<String> names) {
            return names.get(random.nextInt(names.size()));
        }
    }

    private static boolean changed(JsonNode diff) {
        for (String part : List.of("added", "changed", "removed")) {
            if (!diff.path(part).path("upstreams").isEmpty() || !diff.path(part).path("routes").isEmpty()) {
                return true;
            }
        }
        return false;
    }

    @Test
    void fiftyWritersForThirtySecondsLeaveTheLastAcknowledgedWriteOfEachResourceWithNo500s() throws Exception {
        int writers = 50;
        Duration duration = Duration.ofSeconds(Long.getLong("portico.api-hammer.seconds", 30));
        WriteLedger ledger = new WriteLedger();
        Tally tally = new Tally();
        long started = System.nanoTime();
        long deadline = started + duration.toNanos();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> running = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                Writer writer = new Writer(w, ledger, tally);
                running.add(threads.submit(() -> writer.run(deadline)));
            }
            for (Future<?> writer : running) {
                // A deadlock would keep a writer past its deadline: the bound turns it into a failure, not a hang.
                writer.get(duration.toSeconds() + 120, TimeUnit.SECONDS);
            }
        }
        double seconds = (System.nanoTime() - started) / 1e9;

        assertThat(tally.unexpected).as("500s, other statuses, revisions going back, answers before live").isEmpty();
        long end = server.store.revision();
        assertThat(ledger.writeRevisions()).as("every revision is one acknowledged write")
                .containsExactlyInAnyOrderElementsOf(LongStream.rangeClosed(1, end).boxed().toList());
        Map<String, Optional<Object>> expected = ledger.expected();
        for (String name : UPSTREAMS) {
            assertStored("upstreams/" + name, expected);
        }
        for (String name : ROUTES) {
            assertStored("routes/" + name, expected);
        }
        assertThat(tally.conflicts.get()).as("412s seen").isPositive();
        List<Long> latencies = tally.putNanos.stream().sorted().toList();
        System.out.printf("ConcurrentWritersTest: %d writers over HTTP for %.1f s: %d writes acknowledged (%.0f writes/s),"
                        + " %d precondition failures (412), %d other refusals (400/404/409), 0 errors; final content"
                        + " equals the last acknowledged write of each of %d resources; PUT round trip under this load:"
                        + " p50 %.1f ms, p99 %.1f ms%n", writers, seconds, ledger.writes(), ledger.writes() / seconds,
                tally.conflicts.get(), tally.refusals.get(), UPSTREAMS.size() + ROUTES.size(),
                percentile(latencies, 50), percentile(latencies, 99));
    }

    @Test
    void aPutIsUsedByTheVeryNextRoutingDecisionWithoutWaiting() {
        assertThat(server.put("/v1/upstreams/app", upstream("app", 1).toString()).status()).isEqualTo(201);
        int puts = 500;
        List<Long> nanos = new ArrayList<>();
        for (int i = 0; i < puts; i++) {
            String prefix = "/v" + i + "/";
            String body = "{\"upstream\":\"app\",\"pathPrefix\":\"" + prefix + "\"}";
            long started = System.nanoTime();
            AdminServer.Reply reply = server.put("/v1/routes/api", body);
            nanos.add(System.nanoTime() - started);

            assertThat(reply.status()).isIn(200, 201);
            assertThat(server.routing.resolve("any.host", prefix + "users")).as("put %d", i)
                    .isInstanceOfSatisfying(ResolvedRoute.class,
                            resolved -> assertThat(resolved.route().pathPrefix()).isEqualTo(prefix));
        }
        List<Long> sorted = nanos.stream().sorted().toList();
        System.out.printf("PUT round trip to 2xx, after which the next routing decision uses the change (%d sequential"
                        + " puts, in-memory store): p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms%n", puts,
                percentile(sorted, 50), percentile(sorted, 90), percentile(sorted, 99), sorted.getLast() / 1e6);
    }

    private void assertStored(String resource, Map<String, Optional<Object>> expected) {
        AdminServer.Reply reply = server.get("/v1/" + resource);
        Optional<Object> last = expected.getOrDefault(resource, Optional.empty());
        if (last.isEmpty()) {
            assertThat(reply.status()).as("%s was last deleted (or never written): %s", resource, reply).isEqualTo(404);
        } else {
            assertThat(reply.status()).as("%s", resource).isEqualTo(200);
            assertThat(reply.json()).as("%s holds its last acknowledged write", resource).isEqualTo(last.get());
        }
    }

    private static double percentile(List<Long> sortedNanos, int percent) {
        int index = Math.min(sortedNanos.size() - 1, (int) Math.ceil(percent / 100.0 * sortedNanos.size()) - 1);
        return sortedNanos.get(Math.max(0, index)) / 1e6;
    }
}
