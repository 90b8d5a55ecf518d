package dev.portico.domain.service;

import dev.portico.domain.balancing.Selection;
import dev.portico.domain.fakes.InMemoryConfigStore;
import dev.portico.domain.health.RequestOutcome;
import dev.portico.domain.health.TargetHealth;
import dev.portico.domain.health.TargetKey;
import dev.portico.domain.health.TargetStates;
import dev.portico.domain.model.RequestKey;
import dev.portico.domain.model.Route;
import dev.portico.domain.model.Target;
import dev.portico.domain.model.Upstream;
import dev.portico.domain.routing.ResolvedRoute;
import dev.portico.domain.testing.SteppingClock;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Balancer state across the routing table's rebuilds, and the health port Routing offers the admin API. */
class RoutingStateTest {
    private static final Target A = new Target("http", "127.0.0.1", 9001, "", 1);
    private static final Target B = new Target("http", "127.0.0.1", 9002, "", 1);

    private final InMemoryConfigStore store = new InMemoryConfigStore();
    private final Routing routing = new Routing(store, new TargetStates(new SteppingClock()));

    private ResolvedRoute web() {
        return (ResolvedRoute) routing.resolve("example.com", "/");
    }

    @Test
    void inFlightCountsAndHealthOfUnchangedTargetsSurviveAnAdminChangeElsewhere() {
        store.saveUpstream(new Upstream("app", List.of(A, B)));
        store.saveUpstream(new Upstream("other", List.of(A)));
        store.saveRoute(new Route("web", List.of(), "/", "app", false, false, Duration.ofSeconds(5)));
        routing.refresh();
        Selection.Chosen held = (Selection.Chosen) web().balancer().select(RequestKey.NONE);
        routing.states().setStatus(TargetKey.of("app", B), false, "GET / answered 500");

        store.saveUpstream(new Upstream("other", List.of(B)));
        routing.refresh();

        assertThat(web().balancer().inFlight(0)).isEqualTo(1);
        assertThat(routing.upstreamHealth("app").orElseThrow())
                .extracting(TargetHealth::state, TargetHealth::inFlight)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(TargetHealth.State.HEALTHY, 1),
                        org.assertj.core.groups.Tuple.tuple(TargetHealth.State.UNHEALTHY, 0));
        held.lease().release(RequestOutcome.SUCCESS);
        assertThat(web().balancer().inFlight(0)).isZero();
    }

    @Test
    void aRemovedTargetIsForgottenAndAnUnknownUpstreamHasNoHealth() {
        store.saveUpstream(new Upstream("app", List.of(A, B)));
        routing.refresh();
        routing.states().setStatus(TargetKey.of("app", B), false, "down");

        store.saveUpstream(new Upstream("app", List.of(A)));
        routing.refresh();
        store.saveUpstream(new Upstream("app", List.of(A, B)));
        routing.refresh();

        assertThat(routing.upstreamHealth("app").orElseThrow().get(1).state()).isEqualTo(TargetHealth.State.HEALTHY);
        assertThat(routing.upstreamHealth("none")).isEmpty();
    }
}
