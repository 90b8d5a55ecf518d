package dev.portico.http.health;

import dev.portico.domain.balancing.LoadBalancer;
import dev.portico.domain.balancing.Selection;
import dev.portico.domain.health.HealthStatusSetter;
import dev.portico.domain.health.RequestOutcome;
import dev.portico.domain.health.TargetHealth;
import dev.portico.domain.health.TargetKey;
import dev.portico.domain.health.TargetStates;
import dev.portico.domain.model.Configuration;
import dev.portico.domain.model.HashOn;
import dev.portico.domain.model.HealthCheck;
import dev.portico.domain.model.PassiveHealth;
import dev.portico.domain.model.Policy;
import dev.portico.domain.model.RequestKey;
import dev.portico.domain.model.RetryPolicy;
import dev.portico.domain.model.Target;
import dev.portico.domain.model.Upstream;
import dev.portico.domain.validation.Validated;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

class ActiveHealthChecksTest {
    /** Fast probes so that the tests run quickly; thresholds as in the example. */
    private static final HealthCheck CHECK = new HealthCheck("/healthz", Duration.ofMillis(100), Duration.ofMillis(80),
            2, 3, 200, 399);
    /** Only a guard against hanging: no assertion here is about speed. */
    private static final Duration PATIENCE = Duration.ofSeconds(20);

    private final TargetStates states = TargetStates.systemClock();
    private final List<String> reports = new CopyOnWriteArrayList<>();
    private final HealthStatusSetter recording = (key, healthy, reason) -> {
        reports.add(key.url() + " " + (healthy ? "up" : "down") + " " + reason);
        states.setStatus(key, healthy, reason);
    };
    private final ActiveHealthChecks checks = new ActiveHealthChecks(recording);
    private final List<HealthyUpstream> upstreams = new ArrayList<>();

    @AfterEach
    void stop() {
        checks.close();
        upstreams.forEach(HealthyUpstream::close);
    }

    private HealthyUpstream upstreamServer() {
        HealthyUpstream upstream = HealthyUpstream.start();
        upstreams.add(upstream);
        return upstream;
    }

    private static Target target(String url) {
        return switch (Target.parse("t", url, 1)) {
            case Validated.Valid<Target> valid -> valid.value();
            case Validated.Invalid<Target> invalid -> throw new AssertionError(invalid.errors());
        };
    }

    private static Upstream upstream(String name, HealthCheck check, HealthyUpstream... servers) {
        List<Target> targets = java.util.Arrays.stream(servers).map(s -> target(s.url())).toList();
        return new Upstream(name, targets, Policy.ROUND_ROBIN, HashOn.CLIENT_IP, Optional.ofNullable(check),
                PassiveHealth.DEFAULT, RetryPolicy.DEFAULT);
    }

    private static Configuration configuration(Upstream... upstreams) {
        return new Configuration(1, List.of(upstreams), List.of());
    }

    private TargetHealth.State state(Upstream upstream, int index) {
        return states.report(upstream).get(index).state();
    }

    /** Checked at once and then every 5 ms: probes come every 100 ms, and some tests count them. */
    private static void await(String what, BooleanSupplier condition) {
        Awaitility.await(what).atMost(PATIENCE).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(5))
                .until(condition::getAsBoolean);
    }

    @Test
    void aTargetAnsweringAnUnexpectedStatusTurnsUnhealthyAfterUnhealthyAfterProbesAndHealthyAfterHealthyAfter() {
        HealthyUpstream server = upstreamServer();
        Upstream app = upstream("app", CHECK, server);
        states.report(app);
        checks.reconcile(configuration(app));
        await("first good verdict", () -> reports.stream().anyMatch(r -> r.contains("up GET /healthz answered 200")));

        server.status.set(503);
        int probesAtSwitch = server.probes.get();
        await("unhealthy", () -> state(app, 0) == TargetHealth.State.UNHEALTHY);
        int probesToDetect = server.probes.get() - probesAtSwitch;
        assertThat(states.report(app).getFirst().reason()).isEqualTo("GET /healthz answered 503, expected 200-399");
        // unhealthyAfter = 3 failed probes (a probe in flight at the switch may have answered 200 still).
        assertThat(probesToDetect).isBetween(3, 4 + 1);

        server.status.set(302);
        int probesAtRecovery = server.probes.get();
        await("healthy again", () -> state(app, 0) == TargetHealth.State.HEALTHY);
        assertThat(server.probes.get() - probesAtRecovery).isBetween(2, 3 + 1);
        System.out.printf("[figures] unhealthy after %d probes, healthy again after %d probes%n",
                probesToDetect, server.probes.get() - probesAtRecovery);
    }

    @Test
    void aTargetThatDiesIsTakenOutOfRotationAndIsBackInRotationWhenRestarted() {
        HealthyUpstream a = upstreamServer();
        HealthyUpstream b = upstreamServer();
        Upstream app = upstream("app", CHECK, a, b);
        LoadBalancer balancer = LoadBalancer.of(app, states);
        checks.reconcile(configuration(app));
        await("both probed healthy", () -> reports.stream().filter(r -> r.contains(" up ")).map(r -> r.split(" ")[0])
                .distinct().count() == 2);

        long killed = System.nanoTime();
        a.kill();
        await("a unhealthy", () -> state(app, 0) == TargetHealth.State.UNHEALTHY);
        long detectedMs = (System.nanoTime() - killed) / 1_000_000;
        assertThat(states.report(app).getFirst().reason()).startsWith("GET /healthz failed");
        for (int i = 0; i < 20; i++) {
            Selection.Chosen chosen = (Selection.Chosen) balancer.select(RequestKey.NONE);
            assertThat(chosen.target().url()).isEqualTo(b.url());
            chosen.lease().release(RequestOutcome.SUCCESS);
        }

        long restarted = System.nanoTime();
        a.restart();
        await("a healthy", () -> state(app, 0) == TargetHealth.State.HEALTHY);
        long returnedMs = (System.nanoTime() - restarted) / 1_000_000;
        List<String> chosen = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Selection.Chosen c = (Selection.Chosen) balancer.select(RequestKey.NONE);
            chosen.add(c.target().url());
            c.lease().release(RequestOutcome.SUCCESS);
        }
        assertThat(chosen).contains(a.url(), b.url());
        System.out.printf("[figures] interval %d ms, unhealthyAfter %d, healthyAfter %d: dead target out after %d ms,"
                        + " restarted target back after %d ms%n", CHECK.interval().toMillis(), CHECK.unhealthyAfter(),
                CHECK.healthyAfter(), detectedMs, returnedMs);
    }

    @Test
    void aHealthyProbeEndsAPassiveEjectionAtOnce() {
        HealthyUpstream a = upstreamServer();
        Upstream app = new Upstream("app", List.of(target(a.url())), Policy.FIRST, HashOn.CLIENT_IP,
                Optional.of(new HealthCheck("/healthz", Duration.ofMillis(100), Duration.ofMillis(80), 1, 1, 200, 399)),
                new PassiveHealth(1, Duration.ofSeconds(10), Duration.ofMinutes(10), Duration.ofMinutes(10), false),
                RetryPolicy.DEFAULT);
        LoadBalancer balancer = LoadBalancer.of(app, states);
        ((Selection.Chosen) balancer.select(RequestKey.NONE)).lease().release(RequestOutcome.DIAL_FAILED);
        assertThat(state(app, 0)).isEqualTo(TargetHealth.State.EJECTED);

        checks.reconcile(configuration(app));

        await("ejection ended by the probe", () -> state(app, 0) == TargetHealth.State.HEALTHY);
    }

    @Test
    void reconcilingStartsNewProbesStopsRemovedOnesAndKeepsUnchangedOnes() throws InterruptedException {
        HealthyUpstream a = upstreamServer();
        HealthyUpstream b = upstreamServer();
        HealthyUpstream c = upstreamServer();
        checks.reconcile(configuration(upstream("app", CHECK, a, b), upstream("other", null, c)));
        Map<TargetKey, Thread> first = checks.running();
        assertThat(first).containsOnlyKeys(new TargetKey("app", a.url()), new TargetKey("app", b.url()));

        Upstream reweighted = new Upstream("app", List.of(target(a.url()).withLimits(5, true), target(c.url())),
                Policy.RANDOM, HashOn.CLIENT_IP, Optional.of(CHECK), PassiveHealth.DEFAULT, RetryPolicy.DEFAULT);
        checks.reconcile(configuration(reweighted));
        Map<TargetKey, Thread> second = checks.running();

        assertThat(second).containsOnlyKeys(new TargetKey("app", a.url()), new TargetKey("app", c.url()));
        assertThat(second.get(new TargetKey("app", a.url()))).isSameAs(first.get(new TargetKey("app", a.url())));
        Thread removed = first.get(new TargetKey("app", b.url()));
        removed.join(PATIENCE);
        assertThat(removed.isAlive()).isFalse();
        await("c probed", () -> c.probes.get() > 0);

        HealthCheck slower = new HealthCheck("/healthz", Duration.ofMillis(200), Duration.ofMillis(80), 2, 3, 200, 399);
        checks.reconcile(configuration(upstream("app", slower, a)));
        assertThat(checks.running().get(new TargetKey("app", a.url()))).isNotSameAs(first.get(new TargetKey("app", a.url())));
    }

    @Test
    void closingStopsEveryProbeAndTheUpstreamIsProbedNoMore() throws InterruptedException {
        HealthyUpstream a = upstreamServer();
        checks.reconcile(configuration(upstream("app", CHECK, a)));
        await("probed", () -> a.probes.get() > 0);
        Thread probe = checks.running().values().iterator().next();

        checks.close();
        probe.join(PATIENCE);

        assertThat(probe.isAlive()).isFalse();
        int after = a.probes.get();
        checks.reconcile(configuration(upstream("app", CHECK, a)));
        assertThat(checks.running()).isEmpty();
        assertThat(a.probes.get()).isEqualTo(after);
    }
}
