package dev.portico.domain.health;

import dev.portico.domain.balancing.LoadBalancer;
import dev.portico.domain.balancing.Selection;
import dev.portico.domain.model.Configuration;
import dev.portico.domain.model.HashOn;
import dev.portico.domain.model.PassiveHealth;
import dev.portico.domain.model.Policy;
import dev.portico.domain.model.RequestKey;
import dev.portico.domain.model.RetryPolicy;
import dev.portico.domain.model.Target;
import dev.portico.domain.model.Upstream;
import dev.portico.domain.testing.SteppingClock;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

class TargetHealthTest {
    private static final Target A = new Target("http", "a", 9000, "", 1);
    private static final Target B = new Target("http", "b", 9001, "", 1);
    private static final TargetKey KEY_A = TargetKey.of("app", A);
    private static final PassiveHealth PASSIVE = new PassiveHealth(3, Duration.ofSeconds(10), Duration.ofSeconds(1),
            Duration.ofSeconds(8), false);

    private final SteppingClock clock = new SteppingClock();
    private final TargetStates states = new TargetStates(clock);

    private LoadBalancer balancer(PassiveHealth passive) {
        return LoadBalancer.of(new Upstream("app", List.of(A, B), Policy.FIRST, HashOn.CLIENT_IP, Optional.empty(),
                passive, RetryPolicy.DEFAULT), states);
    }

    /** One request to the first target with the given outcome. */
    private static void request(LoadBalancer balancer, RequestOutcome outcome) {
        Selection.Chosen chosen = (Selection.Chosen) balancer.select(RequestKey.NONE);
        chosen.lease().release(outcome);
    }

    private static String target(LoadBalancer balancer) {
        Selection.Chosen chosen = (Selection.Chosen) balancer.select(RequestKey.NONE);
        chosen.lease().release(RequestOutcome.CANCELLED);
        return chosen.target().host();
    }

    private TargetHealth healthOfA() {
        return states.find(KEY_A).orElseThrow().view(true);
    }

    @Test
    void ejectsATargetAfterMaxFailuresWithinTheWindowAndTakesItBackByItself() {
        LoadBalancer balancer = balancer(PASSIVE);
        request(balancer, RequestOutcome.DIAL_FAILED);
        request(balancer, RequestOutcome.IO_FAILED);
        assertThat(target(balancer)).isEqualTo("a");

        request(balancer, RequestOutcome.TIMED_OUT);

        assertThat(target(balancer)).isEqualTo("b");
        assertThat(healthOfA().state()).isEqualTo(TargetHealth.State.EJECTED);
        assertThat(healthOfA().reason()).contains("3 failed requests within 10000 ms").contains("timed_out");
        assertThat(healthOfA().until()).isEqualTo(clock.instant().plusSeconds(1));
        clock.advance(Duration.ofMillis(999));
        assertThat(target(balancer)).isEqualTo("b");
        clock.advance(Duration.ofMillis(1));
        assertThat(target(balancer)).isEqualTo("a");
        assertThat(healthOfA().state()).isEqualTo(TargetHealth.State.HEALTHY);
        assertThat(healthOfA().reason()).isEqualTo("passive ejection ended");
    }

    @Test
    void theListenerHearsEachTimeATargetLeavesOrRejoinsTheRotationOnce() {
        List<String> heard = new CopyOnWriteArrayList<>();
        states.onChange((target, state, reason) -> heard.add(target.url() + " " + state.label() + ": " + reason));
        LoadBalancer balancer = balancer(PASSIVE);

        for (int i = 0; i < 5; i++) {
            request(balancer, RequestOutcome.DIAL_FAILED);
        }
        clock.advance(Duration.ofSeconds(1));
        states.setStatus(KEY_A, false, "GET /healthz answered 503");
        states.setStatus(KEY_A, false, "GET /healthz answered 503");
        states.setStatus(KEY_A, true, "GET /healthz answered 200");
        states.setStatus(KEY_A, true, "GET /healthz answered 200");

        // the two failures after the ejection went to b: a was out of rotation
        assertThat(heard).containsExactly(
                "http://a:9000 ejected: 3 failed requests within 10000 ms (last: dial_failed), ejected for 1000 ms",
                "http://a:9000 unhealthy: GET /healthz answered 503",
                "http://a:9000 healthy: GET /healthz answered 200");
    }

    @Test
    void failuresSpreadWiderThanTheWindowDoNotEject() {
        LoadBalancer balancer = balancer(PASSIVE);
        for (int i = 0; i < 10; i++) {
            request(balancer, RequestOutcome.DIAL_FAILED);
            clock.advance(Duration.ofSeconds(5));
        }

        assertThat(target(balancer)).isEqualTo("a");
    }

    @Test
    void eachEjectionSoonAfterTheLastLastsTwiceAsLongUpToTheMaximum() {
        LoadBalancer balancer = balancer(PASSIVE);
        List<Long> ejections = new java.util.ArrayList<>();
        for (int round = 0; round < 6; round++) {
            for (int i = 0; i < 3; i++) {
                request(balancer, RequestOutcome.DIAL_FAILED);
            }
            TargetHealth ejected = healthOfA();
            ejections.add(Duration.between(ejected.since(), ejected.until()).toMillis());
            clock.advance(Duration.between(clock.instant(), ejected.until()));
        }

        assertThat(ejections).containsExactly(1000L, 2000L, 4000L, 8000L, 8000L, 8000L);
    }

    @Test
    void anEjectionLongAfterTheLastStartsShortAgain() {
        LoadBalancer balancer = balancer(PASSIVE);
        for (int i = 0; i < 3; i++) {
            request(balancer, RequestOutcome.DIAL_FAILED);
        }
        clock.advance(Duration.ofMinutes(5));
        for (int i = 0; i < 3; i++) {
            request(balancer, RequestOutcome.DIAL_FAILED);
        }

        assertThat(Duration.between(healthOfA().since(), healthOfA().until())).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void serverErrorsCountOnlyWhenTheUpstreamSaysSo() {
        LoadBalancer lenient = balancer(PASSIVE);
        for (int i = 0; i < 5; i++) {
            request(lenient, RequestOutcome.SERVER_ERROR);
        }
        assertThat(target(lenient)).isEqualTo("a");

        LoadBalancer strict = balancer(new PassiveHealth(3, Duration.ofSeconds(10), Duration.ofSeconds(1),
                Duration.ofSeconds(8), true));
        for (int i = 0; i < 3; i++) {
            request(strict, RequestOutcome.SERVER_ERROR);
        }
        assertThat(target(strict)).isEqualTo("b");
    }

    @Test
    void passiveHealthWithZeroFailuresNeverEjects() {
        LoadBalancer balancer = balancer(new PassiveHealth(0, Duration.ofSeconds(10), Duration.ofSeconds(1),
                Duration.ofSeconds(8), true));
        for (int i = 0; i < 20; i++) {
            request(balancer, RequestOutcome.DIAL_FAILED);
        }

        assertThat(target(balancer)).isEqualTo("a");
    }

    @Test
    void aHealthyActiveCheckEndsAPassiveEjectionAtOnce() {
        LoadBalancer balancer = balancer(PASSIVE);
        for (int i = 0; i < 3; i++) {
            request(balancer, RequestOutcome.DIAL_FAILED);
        }
        assertThat(target(balancer)).isEqualTo("b");

        states.setStatus(KEY_A, true, "GET /healthz answered 200");

        assertThat(target(balancer)).isEqualTo("a");
        assertThat(healthOfA().reason()).isEqualTo("GET /healthz answered 200");
    }

    @Test
    void theFirstPassingActiveCheckOfATargetHealthyFromTheStartSaysWhyAndKeepsSince() {
        balancer(PASSIVE);
        TargetHealth before = healthOfA();
        assertThat(before.reason()).isEqualTo("not checked yet");
        clock.advance(Duration.ofSeconds(2));

        states.setStatus(KEY_A, true, "GET /healthz answered 200");

        assertThat(healthOfA().reason()).isEqualTo("GET /healthz answered 200");
        assertThat(healthOfA().since()).isEqualTo(before.since());
    }

    @Test
    void reportsStateSinceWhenWhyAndInFlightPerTarget() {
        Upstream upstream = new Upstream("app", List.of(A, B.withLimits(0, true)));
        LoadBalancer balancer = LoadBalancer.of(upstream, states);
        Selection.Chosen held = (Selection.Chosen) balancer.select(RequestKey.NONE);
        clock.advance(Duration.ofSeconds(3));
        states.setStatus(KEY_A, false, "GET / answered 500");

        List<TargetHealth> report = states.report(upstream);

        assertThat(report).hasSize(2);
        assertThat(report.get(0)).satisfies(a -> {
            assertThat(a.url()).isEqualTo("http://a:9000");
            assertThat(a.state()).isEqualTo(TargetHealth.State.UNHEALTHY);
            assertThat(a.since()).isEqualTo(clock.instant());
            assertThat(a.reason()).isEqualTo("GET / answered 500");
            assertThat(a.inFlight()).isEqualTo(1);
        });
        assertThat(report.get(1).state()).isEqualTo(TargetHealth.State.DRAINING);
        assertThat(report.get(1).inFlight()).isZero();
        held.lease().release(RequestOutcome.SUCCESS);
        assertThat(states.report(upstream).get(0).inFlight()).isZero();
    }

    @Test
    void forgetsTargetsTheConfigurationNoLongerHasAndIgnoresReportsAboutThem() {
        Upstream upstream = new Upstream("app", List.of(A, B));
        LoadBalancer.of(upstream, states);

        states.retainOnly(new dev.portico.domain.model.Configuration(2, List.of(new Upstream("app", List.of(B))), List.of()));
        states.setStatus(KEY_A, false, "late report");

        assertThat(states.find(KEY_A)).isEmpty();
        assertThat(states.find(TargetKey.of("app", B))).isPresent();
    }
}
