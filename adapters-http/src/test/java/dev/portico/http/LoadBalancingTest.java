package dev.portico.http;

import dev.portico.domain.model.Upstream;
import dev.portico.domain.model.Upstream.HealthCheckSpec;
import dev.portico.domain.model.Upstream.TargetSpec;
import dev.portico.domain.model.Upstream.UpstreamSpec;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The proxy as a load balancer, end to end: real upstream servers, the real domain balancers and health state,
 * configuration changed while requests flow, and a real HTTP client counting every answer.
 */
class LoadBalancingTest {
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final List<AutoCloseable> resources = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable resource : resources.reversed()) {
            resource.close();
        }
        client.close();
    }

    private <T extends AutoCloseable> T open(T resource) {
        resources.add(resource);
        return resource;
    }

    private NamedUpstream[] upstreams(String... names) {
        NamedUpstream[] started = new NamedUpstream[names.length];
        for (int i = 0; i < names.length; i++) {
            started[i] = open(NamedUpstream.start(names[i]));
        }
        return started;
    }

    /** A proxy on live routing, told of every configuration change as the composition root does. */
    private ProxyServer proxyOn(LiveRouting routing) {
        ProxyServer proxy = open(ProxyServer.start(routing, ProxyServer.DETAILED));
        routing.notify(proxy.proxy);
        return proxy;
    }

    /** Upstream "app" with three targets answering t0, t1 and t2, hashed on {@code hashOn}. */
    private LiveRouting hashedOverThreeTargets(String hashOn) throws Exception {
        NamedUpstream[] up = upstreams("t0", "t1", "t2");
        LiveRouting routing = open(new LiveRouting());
        routing.apply(LiveRouting.upstream("app", spec("hash", hashOn, null,
                target(up[0], 1), target(up[1], 1), target(up[2], 1))));
        return routing;
    }

    private HttpResponse<String> get(ProxyServer proxy, String path, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(proxy.uri(path)).timeout(Duration.ofSeconds(30));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static UpstreamSpec spec(String policy, String hashOn, HealthCheckSpec check, TargetSpec... targets) {
        return new UpstreamSpec(List.of(targets), policy, hashOn, check, null, null);
    }

    private static TargetSpec target(NamedUpstream upstream, int weight) {
        return new TargetSpec(upstream.url(), weight);
    }

    @Test
    void weightsThreeToOneSplitFourThousandConcurrentRequestsSeventyFiveToTwentyFiveWithinThreePercent()
            throws Exception {
        NamedUpstream[] up = upstreams("heavy", "light");
        LiveRouting routing = open(new LiveRouting());
        routing.apply(LiveRouting.upstream("app", spec(null, null, null, target(up[0], 3), target(up[1], 1))));
        ProxyServer proxy = proxyOn(routing);

        Map<String, AtomicInteger> answeredBy = new ConcurrentHashMap<>();
        List<Throwable> errors = runConcurrently(8, 500, i -> {
            HttpResponse<String> response = get(proxy, "/item/" + i);
            assertThat(response.statusCode()).isEqualTo(200);
            answeredBy.computeIfAbsent(response.body(), name -> new AtomicInteger()).incrementAndGet();
        });

        assertThat(errors).isEmpty();
        double heavyShare = answeredBy.get("heavy").get() / 4000.0;
        System.out.printf("3:1 weights: %d / %d of 4000%n", answeredBy.get("heavy").get(), answeredBy.get("light").get());
        assertThat(heavyShare).isBetween(0.72, 0.78);
        assertThat(answeredBy.get("heavy").get() + answeredBy.get("light").get()).isEqualTo(4000);
    }

    @Test
    void killingOneOfThreeTargetsUnderLoadFailsNoRequestAndTheRestartedTargetIsBackWithinTwoSeconds()
            throws Exception {
        NamedUpstream[] up = upstreams("a", "b", "c");
        NamedUpstream victim = up[2];
        LiveRouting routing = open(new LiveRouting());
        routing.apply(LiveRouting.upstream("app", spec(null, null,
                new HealthCheckSpec("/healthz", 250L, 200L, 2, 3, null),
                target(up[0], 1), target(up[1], 1), target(victim, 1))));
        ProxyServer proxy = proxyOn(routing);

        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger answered = new AtomicInteger();
        Queue<String> failures = new ConcurrentLinkedQueue<>();
        List<Thread> clients = new ArrayList<>();
        for (int c = 0; c < 6; c++) {
            clients.add(Thread.ofVirtual().start(() -> {
                while (running.get()) {
                    try {
                        HttpResponse<String> response = get(proxy, "/");
                        if (response.statusCode() == 200) {
                            answered.incrementAndGet();
                        } else {
                            failures.add(response.statusCode() + " " + response.body().strip());
                        }
                    } catch (Exception e) {
                        failures.add(e.toString());
                    }
                }
            }));
        }
        // under load, every target serving
        await().atMost(Duration.ofSeconds(30)).until(() -> answered.get() >= 300 && !victim.arrivals.isEmpty());
        long killedAt = System.nanoTime();
        int answeredAtKill = answered.get();
        victim.kill();
        // past the 2 s within which attempts on the dead target must stop, with load all along
        await().atMost(Duration.ofSeconds(30)).until(() -> System.nanoTime() - killedAt > TimeUnit.SECONDS.toNanos(3)
                && answered.get() - answeredAtKill >= 300);
        long restartedAt = System.nanoTime();
        victim.restart();
        await().atMost(Duration.ofSeconds(10)).until(() -> victim.arrivedAfter(restartedAt) > 0
                && up[0].arrivedAfter(restartedAt) > 0);
        running.set(false);
        for (Thread client : clients) {
            client.join(Duration.ofSeconds(35));
        }

        assertThat(failures).as("failed client requests").isEmpty();
        assertThat(answered.get()).isGreaterThan(1000);
        long lateAttempts = proxy.observer.failures.stream()
                .filter(f -> f.target().equals(victim.url()))
                .filter(f -> f.at() - killedAt > TimeUnit.SECONDS.toNanos(2) && f.at() - restartedAt < 0)
                .count();
        assertThat(lateAttempts).as("attempts on the dead target more than 2 s after it died").isZero();
        long firstBack = victim.arrivals.stream().filter(t -> t - restartedAt > 0).min(Long::compare)
                .orElseThrow(() -> new AssertionError("the restarted target never got a request again"));
        long lastAttempt = proxy.observer.failures.stream().filter(f -> f.target().equals(victim.url()))
                .mapToLong(f -> f.at() - killedAt).max().orElse(0);
        System.out.printf("kill test: %d answered, %d failed; last attempt on the dead target %d ms after its death;"
                        + " back %d ms after its restart%n", answered.get(), failures.size(),
                TimeUnit.NANOSECONDS.toMillis(lastAttempt), TimeUnit.NANOSECONDS.toMillis(firstBack - restartedAt));
        assertThat(Duration.ofNanos(firstBack - restartedAt)).isLessThanOrEqualTo(Duration.ofSeconds(2));
        assertThat(up[0].arrivedAfter(restartedAt)).isPositive();
    }

    /**
     * Three equal targets, the middle one dead: each survivor gets half of the requests, whatever the policy and
     * whether the dead target is found out by failed requests (passive) or by health checks (active).
     */
    @ParameterizedTest
    @CsvSource({"round_robin,passive", "round_robin,active", "least_requests,passive", "least_requests,active",
            "random,passive", "random,active", "hash,passive", "hash,active"})
    void theSurvivorsOfThreeEqualTargetsShareTheDeadOnesRequestsEqually(String policy, String detection)
            throws Exception {
        NamedUpstream[] up = upstreams("a", "b", "c");
        up[1].kill();
        HealthCheckSpec check = detection.equals("active") ? new HealthCheckSpec("/healthz", 200L, 200L, 1, 1, null)
                : null;
        String hashOn = policy.equals("hash") ? "header:X-User" : null;
        LiveRouting routing = open(new LiveRouting());
        routing.apply(LiveRouting.upstream("app", spec(policy, hashOn, check,
                target(up[0], 1), target(up[1], 1), target(up[2], 1))));
        ProxyServer proxy = proxyOn(routing);

        Map<String, AtomicInteger> answeredBy = new ConcurrentHashMap<>();
        List<Throwable> errors = runConcurrently(4, 750, i -> {
            HttpResponse<String> response = get(proxy, "/", "X-User", "user-" + i);
            assertThat(response.statusCode()).isEqualTo(200);
            answeredBy.computeIfAbsent(response.body(), name -> new AtomicInteger()).incrementAndGet();
        });

        assertThat(errors).isEmpty();
        int a = answeredBy.get("a").get();
        int c = answeredBy.get("c").get();
        System.out.printf("failover %s/%s: a %d, c %d of %d%n", policy, detection, a, c, a + c);
        assertThat(answeredBy).doesNotContainKey("b");
        assertThat(a + c).isEqualTo(3000);
        assertThat(a / 3000.0).as("a's share").isBetween(0.45, 0.55);
    }

    @Test
    void hashingOnAHeaderKeepsEachKeyOnItsTargetAndRemovingATargetMovesOnlyTheKeysThatWereOnIt() throws Exception {
        NamedUpstream[] up = upstreams("t0", "t1", "t2", "t3", "t4");
        LiveRouting routing = open(new LiveRouting());
        TargetSpec[] five = new TargetSpec[5];
        for (int i = 0; i < 5; i++) {
            five[i] = target(up[i], 1);
        }
        routing.apply(LiveRouting.upstream("app", spec("hash", "header:X-User", null, five)));
        ProxyServer proxy = proxyOn(routing);

        Map<String, String> before = new HashMap<>();
        for (int key = 0; key < 300; key++) {
            String user = "user-" + key;
            String first = get(proxy, "/", "X-User", user).body();
            for (int again = 0; again < 4; again++) {
                assertThat(get(proxy, "/", "X-User", user).body()).as("target of %s", user).isEqualTo(first);
            }
            before.put(user, first);
        }
        assertThat(before.values()).as("keys spread over the targets").contains("t0", "t1", "t2", "t3", "t4");

        routing.apply(LiveRouting.upstream("app", spec("hash", "header:X-User", null,
                five[0], five[1], five[2], five[3])));
        int moved = 0;
        for (Map.Entry<String, String> entry : before.entrySet()) {
            String now = get(proxy, "/", "X-User", entry.getKey()).body();
            if (!entry.getValue().equals("t4")) {
                assertThat(now).as("key %s was not on the removed target", entry.getKey()).isEqualTo(entry.getValue());
            } else {
                assertThat(now).isNotEqualTo("t4");
                moved++;
            }
        }
        assertThat(moved).isPositive();
    }

    @Test
    void hashingOnACookieFollowsTheCookiesValue() throws Exception {
        LiveRouting routing = hashedOverThreeTargets("cookie:session");
        ProxyServer proxy = proxyOn(routing);

        Map<String, String> targets = new HashMap<>();
        for (int key = 0; key < 60; key++) {
            String cookie = "theme=dark; session=s" + key;
            String first = get(proxy, "/", "Cookie", cookie).body();
            assertThat(get(proxy, "/", "Cookie", "session=s" + key).body()).isEqualTo(first);
            targets.put("s" + key, first);
        }
        assertThat(targets.values()).contains("t0", "t1", "t2");
    }

    @Test
    void hashingOnTheClientAddressBehindATrustedProxyHashesTheAddressItForwardedFor() throws Exception {
        LiveRouting routing = hashedOverThreeTargets("client_ip");
        ProxyServer proxy = open(ProxyServer.start(routing, ProxyServer.DETAILED.withTrustedProxies("127.0.0.1, 10.0.0.0/8")));
        routing.notify(proxy.proxy);

        Map<String, String> targets = new HashMap<>();
        for (int key = 0; key < 60; key++) {
            String client = "203.0.113." + key;
            String first = get(proxy, "/", "X-Forwarded-For", client).body();
            // the same client through a second, trusted hop, and with a port: the same target
            assertThat(get(proxy, "/", "X-Forwarded-For", client + ", 10.1.2.3").body()).isEqualTo(first);
            assertThat(get(proxy, "/", "X-Forwarded-For", "198.51.100.1, " + client + ":4711").body())
                    .as("what the client claimed before the first untrusted hop does not count").isEqualTo(first);
            targets.put(client, first);
        }
        assertThat(targets.values()).as("clients behind the proxy spread over the targets").contains("t0", "t1", "t2");
    }

    @Test
    void hashingOnTheClientAddressIgnoresXForwardedForFromAnUntrustedClient() throws Exception {
        LiveRouting routing = hashedOverThreeTargets("client_ip");
        ProxyServer proxy = proxyOn(routing);

        String first = get(proxy, "/").body();
        for (int key = 0; key < 30; key++) {
            assertThat(get(proxy, "/", "X-Forwarded-For", "203.0.113." + key).body()).isEqualTo(first);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"drain", "weight 0", "removal"})
    void aTargetTakenOutOfRotationDuringLongRequestsCompletesEveryOneAndThenClosesItsConnections(String how)
            throws Exception {
        NamedUpstream[] up = upstreams("leaving", "staying");
        NamedUpstream leaving = up[0];
        LiveRouting routing = open(new LiveRouting());
        routing.apply(LiveRouting.upstream("app", spec(null, null, null, target(leaving, 1), target(up[1], 1))));
        ProxyServer proxy = proxyOn(routing);

        AtomicBoolean running = new AtomicBoolean(true);
        Queue<String> answers = new ConcurrentLinkedQueue<>();
        Queue<String> failures = new ConcurrentLinkedQueue<>();
        List<Thread> clients = new ArrayList<>();
        for (int c = 0; c < 10; c++) {
            clients.add(Thread.ofVirtual().start(() -> {
                while (running.get()) {
                    try {
                        HttpResponse<String> response = get(proxy, "/slow");
                        (response.statusCode() == 200 ? answers : failures).add(response.body());
                    } catch (Exception e) {
                        failures.add(e.toString());
                    }
                }
            }));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> proxy.proxy.openConnections(leaving.origin()) > 0);
        TargetSpec out = switch (how) {
            case "drain" -> new TargetSpec(leaving.url(), 1, null, true);
            case "weight 0" -> new TargetSpec(leaving.url(), 0);
            default -> null;
        };
        long changedAt = System.nanoTime();
        routing.apply(LiveRouting.upstream("app", out == null
                ? spec(null, null, null, target(up[1], 1))
                : spec(null, null, null, out, target(up[1], 1))));
        // the requests it was serving finish there, its connections close, and the other target takes the load
        await().atMost(Duration.ofSeconds(20)).until(() -> proxy.proxy.openConnections(leaving.origin()) == 0
                && up[1].arrivedAfter(changedAt) >= 10);
        running.set(false);
        for (Thread client : clients) {
            client.join(Duration.ofSeconds(10));
        }

        assertThat(failures).as("failed requests").isEmpty();
        assertThat(answers).as("requests the leaving target was serving when it left").contains("leaving");
        assertThat(leaving.arrivedAfter(changedAt)).as("requests sent to it after it left").isZero();
        assertThat(proxy.proxy.openConnections(leaving.origin())).as("its connections, once idle").isZero();
    }

    @Test
    void answers503AtOnceWhenEveryTargetIsAtItsConnectionLimit() throws Exception {
        NamedUpstream[] up = upstreams("only");
        LiveRouting routing = open(new LiveRouting());
        routing.apply(LiveRouting.upstream("app", spec(null, null, null, new TargetSpec(up[0].url(), 1, 2, null))));
        ProxyServer proxy = proxyOn(routing);

        CountDownLatch busy = new CountDownLatch(2);
        List<Thread> slow = new ArrayList<>();
        Queue<Integer> slowStatuses = new ConcurrentLinkedQueue<>();
        for (int i = 0; i < 2; i++) {
            slow.add(Thread.ofVirtual().start(() -> {
                try {
                    busy.countDown();
                    slowStatuses.add(get(proxy, "/slow").statusCode());
                } catch (Exception e) {
                    slowStatuses.add(-1);
                }
            }));
        }
        busy.await();
        await().atMost(Duration.ofSeconds(10)).until(() -> up[0].arrivals.size() >= 2);

        long before = System.nanoTime();
        HttpResponse<String> refused = get(proxy, "/slow");
        Duration took = Duration.ofNanos(System.nanoTime() - before);

        assertThat(refused.statusCode()).isEqualTo(503);
        assertThat(refused.body())
                .isEqualTo("503 Service Unavailable: every target of upstream 'app' is at its connection limit\n");
        assertThat(took).isLessThan(NamedUpstream.SLOW);
        for (Thread thread : slow) {
            thread.join(Duration.ofSeconds(10));
        }
        assertThat(slowStatuses).containsExactly(200, 200);
        assertThat(get(proxy, "/").statusCode()).as("room again once they finished").isEqualTo(200);
    }

    @Test
    void answers503WhenEveryTargetIsDraining() throws Exception {
        NamedUpstream[] up = upstreams("a");
        LiveRouting routing = open(new LiveRouting());
        routing.apply(LiveRouting.upstream("app", spec(null, null, null,
                new TargetSpec(up[0].url(), 1, null, true), new TargetSpec("http://127.0.0.1:9", 0))));
        ProxyServer proxy = proxyOn(routing);

        HttpResponse<String> response = get(proxy, "/");

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.body()).isEqualTo(
                "503 Service Unavailable: upstream 'app' has no target taking requests (all draining or weight 0)\n");
        assertThat(up[0].arrivals).isEmpty();
    }

    @Test
    void aPostWhoseConnectionCannotBeMadeIsSentToAnotherTarget() throws Exception {
        NamedUpstream[] up = upstreams("alive");
        LiveRouting routing = open(new LiveRouting());
        routing.apply(LiveRouting.upstream("app", spec("first", null, null,
                new TargetSpec("http://127.0.0.1:" + unusedPort(), 1), target(up[0], 1))));
        ProxyServer proxy = proxyOn(routing);

        HttpResponse<String> response = client.send(HttpRequest.newBuilder(proxy.uri("/orders"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"item\":1}")).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("alive");
        assertThat(proxy.observer.next()).isEqualTo("retried UNREACHABLE");
        assertThat(proxy.observer.next()).isEqualTo("forwarded 200");
    }

    @Test
    void aGetThatReachedATargetWhichThenFailedIsRetriedElsewhereButAPostIsNot() throws Exception {
        NamedUpstream[] up = upstreams("alive");
        try (RawUpstream dropping = RawUpstream.start((request, conversation) -> conversation.close())) {
            LiveRouting routing = open(new LiveRouting());
            routing.apply(LiveRouting.upstream("app", spec("first", null, null,
                    new TargetSpec(dropping.url(), 1), target(up[0], 1))));
            ProxyServer proxy = proxyOn(routing);

            HttpResponse<String> get = get(proxy, "/report");
            assertThat(get.statusCode()).isEqualTo(200);
            assertThat(get.body()).isEqualTo("alive");
            // the outcome is recorded once the answer is sent: wait for it rather than race the client
            assertThat(proxy.observer.next()).isEqualTo("retried CLOSED");
            assertThat(proxy.observer.next()).isEqualTo("forwarded 200");

            HttpResponse<String> post = client.send(HttpRequest.newBuilder(proxy.uri("/orders"))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"item\":1}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            // the target may have acted on it: sending it again could order twice
            assertThat(post.statusCode()).isEqualTo(502);
            assertThat(post.body()).isEqualTo(
                    "502 Bad Gateway: upstream 'app' closed the connection without a complete response\n");
            assertThat(up[0].arrivals).hasSize(1);
        }
    }

    /** Runs {@code perThread} calls on each of {@code threads} virtual threads; answers what they threw. */
    private static List<Throwable> runConcurrently(int threads, int perThread, ThrowingCall call) throws Exception {
        Queue<Throwable> errors = new ConcurrentLinkedQueue<>();
        List<Thread> started = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int base = t * perThread;
            started.add(Thread.ofVirtual().start(() -> {
                for (int i = 0; i < perThread; i++) {
                    try {
                        call.run(base + i);
                    } catch (Throwable e) {
                        errors.add(e);
                    }
                }
            }));
        }
        for (Thread thread : started) {
            thread.join(Duration.ofSeconds(60));
        }
        return List.copyOf(errors);
    }

    @FunctionalInterface
    private interface ThrowingCall {
        void run(int i) throws Exception;
    }

    private static int unusedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
