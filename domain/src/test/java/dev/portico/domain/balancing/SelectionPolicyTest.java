package dev.portico.domain.balancing;

import dev.portico.domain.health.RequestOutcome;
import dev.portico.domain.health.TargetKey;
import dev.portico.domain.health.TargetStates;
import dev.portico.domain.model.HashOn;
import dev.portico.domain.model.Policy;
import dev.portico.domain.model.RequestKey;
import dev.portico.domain.model.Target;
import dev.portico.domain.model.Upstream;
import dev.portico.domain.testing.SteppingClock;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.portico.domain.balancing.Balancers.balancer;
import static dev.portico.domain.balancing.Balancers.hold;
import static dev.portico.domain.balancing.Balancers.pick;
import static dev.portico.domain.balancing.Balancers.targets;
import static dev.portico.domain.balancing.Balancers.upstream;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Every policy against the same tables of situations, as Caddy's selection-policy tests do. */
class SelectionPolicyTest {
    private final SteppingClock clock = new SteppingClock();
    private final TargetStates states = new TargetStates(clock);

    private static Map<String, Integer> counts(LoadBalancer balancer, int picks, java.util.function.IntFunction<RequestKey> key) {
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < picks; i++) {
            counts.merge(pick(balancer, key.apply(i)).host(), 1, Integer::sum);
        }
        return counts;
    }

    @ParameterizedTest
    @EnumSource(value = Policy.class, names = {"ROUND_ROBIN", "RANDOM", "HASH"})
    void weightsThreeToOneGiveSeventyFiveTwentyFiveWithinThreePercentOver4000Picks(Policy policy) {
        LoadBalancer balancer = balancer(policy, targets(3, 1), states);

        Map<String, Integer> counts = counts(balancer, 4000, i -> RequestKey.ofClient("10.0." + (i / 256) + "." + (i % 256)));

        assertThat(counts.get("a") / 4000.0).isCloseTo(0.75, within(0.03));
        assertThat(counts.get("b") / 4000.0).isCloseTo(0.25, within(0.03));
    }

    @Test
    void roundRobinThroughSelectInterleavesFiveOneOneAsNginxDoes() {
        LoadBalancer balancer = balancer(Policy.ROUND_ROBIN, targets(5, 1, 1), states);

        StringBuilder order = new StringBuilder();
        for (int i = 0; i < 14; i++) {
            order.append(pick(balancer, RequestKey.NONE).host());
        }

        assertThat(order).hasToString("aabacaa" + "aabacaa");
    }

    @ParameterizedTest
    @EnumSource(Policy.class)
    void neverChoosesADrainedTargetOrOneOfWeightZero(Policy policy) {
        List<Target> targets = targets(1, 0, 1);
        targets.set(2, targets.get(2).withLimits(0, true));
        LoadBalancer balancer = balancer(policy, targets, states);

        assertThat(counts(balancer, 300, i -> RequestKey.ofClient("c" + i)).keySet()).containsExactly("a");
        assertThat(pick(balancer, RequestKey.NONE).host()).isEqualTo("a");
    }

    @ParameterizedTest
    @EnumSource(Policy.class)
    void answersNoneAvailableWhenEveryTargetIsDrained(Policy policy) {
        List<Target> targets = targets(1, 1).stream().map(t -> t.withLimits(0, true)).toList();

        assertThat(balancer(policy, targets, states).select(RequestKey.NONE)).isEqualTo(Selection.NoneAvailable.INSTANCE);
    }

    @ParameterizedTest
    @EnumSource(Policy.class)
    void skipsAFullTargetAndAnswersAllFullWhenEveryTargetIsFull(Policy policy) {
        List<Target> targets = List.of(targets(1, 1).get(0).withLimits(1, false), targets(1, 1).get(1).withLimits(2, false));
        LoadBalancer balancer = balancer(policy, targets, states);

        List<Selection.Chosen> held = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            held.add(hold(balancer));
        }

        assertThat(held).extracting(c -> c.target().host()).containsExactlyInAnyOrder("a", "b", "b");
        assertThat(balancer.select(RequestKey.NONE)).isEqualTo(Selection.AllFull.INSTANCE);
        held.get(0).lease().release(RequestOutcome.SUCCESS);
        assertThat(balancer.select(RequestKey.NONE)).isInstanceOf(Selection.Chosen.class);
    }

    @ParameterizedTest
    @EnumSource(Policy.class)
    void holdsTargetsThatSetNoLimitToTheRegistrysDefaultOne(Policy policy) {
        TargetStates bounded = new TargetStates(clock, 2);
        List<Target> targets = List.of(targets(1, 1).get(0), targets(1, 1).get(1).withLimits(3, false));
        LoadBalancer balancer = balancer(policy, targets, bounded);

        List<Selection.Chosen> held = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            held.add(hold(balancer));
        }

        // a has no limit of its own and gets the default 2; b keeps its own 3
        assertThat(held).extracting(c -> c.target().host()).containsExactlyInAnyOrder("a", "a", "b", "b", "b");
        assertThat(balancer.select(RequestKey.NONE)).isEqualTo(Selection.AllFull.INSTANCE);
    }

    /** {@code first} only ever uses b when a is out; its failover has a test of its own. */
    @ParameterizedTest
    @EnumSource(value = Policy.class, mode = EnumSource.Mode.EXCLUDE, names = "FIRST")
    void skipsATargetMarkedUnhealthyAndTakesItBackWhenHealthyAgain(Policy policy) {
        LoadBalancer balancer = balancer(policy, targets(1, 1, 1), states);
        TargetKey b = new TargetKey("app", "http://b:9001");

        states.setStatus(b, false, "GET / answered 503");
        assertThat(counts(balancer, 300, i -> RequestKey.ofClient("c" + i))).doesNotContainKey("b");

        states.setStatus(b, true, "GET / answered 200");
        assertThat(counts(balancer, 300, i -> RequestKey.ofClient("c" + i))).containsKey("b");
    }

    @ParameterizedTest
    @EnumSource(value = Policy.class, mode = EnumSource.Mode.EXCLUDE, names = "FIRST")
    void theSurvivorsShareADownTargetsRequestsByTheirWeights(Policy policy) {
        LoadBalancer balancer = balancer(policy, targets(1, 1, 1), states);
        states.setStatus(new TargetKey("app", "http://b:9001"), false, "down");

        // least requests releases each at once, so every pick sees the same counts: a fair tie-break is what counts
        Map<String, Integer> counts = counts(balancer, 6000, i -> RequestKey.ofClient("10.2." + (i / 256) + "." + (i % 256)));

        assertThat(counts).doesNotContainKey("b");
        assertThat(counts.get("a") / 6000.0).as("a's share").isBetween(0.45, 0.55);
        assertThat(counts.get("c") / 6000.0).as("c's share").isBetween(0.45, 0.55);
    }

    @Test
    void roundRobinSharesADownTargetsTurnsByTheSurvivorsWeights() {
        LoadBalancer balancer = balancer(Policy.ROUND_ROBIN, targets(1, 1, 2, 1), states);
        states.setStatus(new TargetKey("app", "http://b:9001"), false, "down");

        Map<String, Integer> counts = counts(balancer, 8000, i -> RequestKey.NONE);

        // a:c:d = 1:2:1 of what is left
        assertThat(counts.get("a") / 8000.0).isCloseTo(0.25, within(0.03));
        assertThat(counts.get("c") / 8000.0).isCloseTo(0.50, within(0.03));
        assertThat(counts.get("d") / 8000.0).isCloseTo(0.25, within(0.03));
    }

    @ParameterizedTest
    @EnumSource(Policy.class)
    void stillTriesTheTargetsWhenEveryOneIsUnhealthy(Policy policy) {
        LoadBalancer balancer = balancer(policy, targets(1, 1), states);
        states.setStatus(new TargetKey("app", "http://a:9000"), false, "down");
        states.setStatus(new TargetKey("app", "http://b:9001"), false, "down");

        assertThat(balancer.select(RequestKey.NONE)).isInstanceOf(Selection.Chosen.class);
    }

    @ParameterizedTest
    @EnumSource(Policy.class)
    void aRetryGoesToATargetNotTriedYetWhileThereIsOne(Policy policy) {
        LoadBalancer balancer = balancer(policy, targets(1, 1, 1), states);

        for (int i = 0; i < 50; i++) {
            RequestKey key = RequestKey.ofClient("10.1.1." + i);
            Selection.Chosen first = (Selection.Chosen) balancer.select(key);
            Selection.Chosen second = (Selection.Chosen) balancer.select(key, List.of(first.target()));
            Selection.Chosen third = (Selection.Chosen) balancer.select(key, List.of(first.target(), second.target()));
            Selection.Chosen fourth = (Selection.Chosen) balancer.select(key,
                    List.of(first.target(), second.target(), third.target()));
            assertThat(List.of(first.target(), second.target(), third.target())).doesNotHaveDuplicates();
            assertThat(fourth.target()).isIn(balancer.targets());
            List.of(first, second, third, fourth).forEach(c -> c.lease().release(RequestOutcome.SUCCESS));
        }
    }

    @Test
    void leastRequestsPrefersTheIdleTargets() {
        LoadBalancer balancer = balancer(Policy.LEAST_REQUESTS, targets(1, 1, 1), states);
        Selection.Chosen first = hold(balancer);
        Selection.Chosen second = hold(balancer);
        Selection.Chosen third = hold(balancer);

        assertThat(List.of(first.target(), second.target(), third.target())).doesNotHaveDuplicates();
        first.lease().release(RequestOutcome.SUCCESS);
        for (int i = 0; i < 20; i++) {
            Selection.Chosen next = hold(balancer);
            assertThat(next.target()).isEqualTo(first.target());
            next.lease().release(RequestOutcome.SUCCESS);
        }
    }

    @Test
    void leastRequestsWithManyTargetsSkipsATargetBusierThanAllOthers() {
        LoadBalancer balancer = balancer(Policy.LEAST_REQUESTS, targets(1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1), states);
        LoadBalancer first = balancer(Policy.FIRST, targets(1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1), states);
        for (int i = 0; i < 5; i++) {
            hold(first); // the same state: five requests in flight on a
        }

        Map<String, Integer> picked = counts(balancer, 2000, i -> RequestKey.NONE);

        assertThat(picked).doesNotContainKey("a").hasSize(11);
    }

    @Test
    void firstSendsEverythingToTheFirstAndFailsOverInOrder() {
        LoadBalancer balancer = balancer(Policy.FIRST, targets(1, 1, 1), states);

        assertThat(counts(balancer, 100, i -> RequestKey.NONE)).containsExactly(Map.entry("a", 100));
        states.setStatus(new TargetKey("app", "http://a:9000"), false, "down");
        assertThat(counts(balancer, 100, i -> RequestKey.NONE)).containsExactly(Map.entry("b", 100));
        states.setStatus(new TargetKey("app", "http://b:9001"), false, "down");
        assertThat(counts(balancer, 100, i -> RequestKey.NONE)).containsExactly(Map.entry("c", 100));
        states.setStatus(new TargetKey("app", "http://a:9000"), true, "up");
        assertThat(counts(balancer, 100, i -> RequestKey.NONE)).containsExactly(Map.entry("a", 100));
    }

    @Test
    void hashKeepsEachOfAThousandKeysOnItsTargetAcrossAHundredRequests() {
        LoadBalancer balancer = balancer(Policy.HASH, targets(1, 1, 1, 1, 1), states);
        Map<String, Integer> perTarget = new HashMap<>();

        for (int k = 0; k < 1000; k++) {
            RequestKey key = RequestKey.ofClient("192.0.2." + k);
            Target first = pick(balancer, key);
            for (int r = 1; r < 100; r++) {
                assertThat(pick(balancer, key)).isEqualTo(first);
            }
            perTarget.merge(first.host(), 1, Integer::sum);
        }

        // Every target holds its share of keys (200 expected each).
        assertThat(perTarget).hasSize(5).allSatisfy((host, keys) -> assertThat(keys).isBetween(140, 260));
    }

    @Test
    void removingOneOfFiveTargetsMovesOnlyTheKeysThatWereOnIt() {
        List<Target> five = targets(1, 1, 1, 1, 1);
        LoadBalancer before = LoadBalancer.of(upstream(Policy.HASH, five), new TargetStates(clock));
        List<Target> four = new ArrayList<>(five);
        Target removed = four.remove(2);
        LoadBalancer after = LoadBalancer.of(upstream(Policy.HASH, four), new TargetStates(clock));

        int moved = 0;
        for (int k = 0; k < 1000; k++) {
            RequestKey key = RequestKey.ofClient("198.51.100." + k);
            Target was = pick(before, key);
            Target now = pick(after, key);
            if (!was.equals(removed)) {
                assertThat(now).as("key %s", k).isEqualTo(was);
            } else {
                moved++;
            }
        }
        assertThat(moved / 1000.0).isCloseTo(0.2, within(0.06));
    }

    @Test
    void hashOnAHeaderOrCookieFollowsItsValueAndRequestsWithoutOneStillGetATarget() {
        LoadBalancer byHeader = LoadBalancer.of(upstream(Policy.HASH, new HashOn.Header("X-User"), targets(1, 1, 1)), states);
        LoadBalancer byCookie = LoadBalancer.of(upstream(Policy.HASH, new HashOn.Cookie("sid"), targets(1, 1, 1)), states);

        for (int i = 0; i < 100; i++) {
            String user = "user-" + i;
            RequestKey header = new RequestKey("10.0.0." + i, n -> n.equals("X-User") ? user : null, n -> null);
            RequestKey otherClient = new RequestKey("10.9.9." + i, n -> n.equals("X-User") ? user : null, n -> null);
            RequestKey cookie = new RequestKey("10.0.0." + i, n -> null, n -> n.equals("sid") ? user : null);
            assertThat(pick(byHeader, otherClient)).isEqualTo(pick(byHeader, header));
            assertThat(pick(byCookie, cookie)).isEqualTo(pick(byCookie, cookie));
        }
        assertThat(pick(byHeader, RequestKey.NONE)).isIn(byHeader.targets());
    }

    @Test
    void hashSendsTheKeysOfAnUnavailableTargetElsewhereAndBackWhenItReturns() {
        LoadBalancer balancer = balancer(Policy.HASH, targets(1, 1, 1), states);
        Map<Integer, Target> home = new HashMap<>();
        for (int k = 0; k < 200; k++) {
            home.put(k, pick(balancer, RequestKey.ofClient("k" + k)));
        }
        states.setStatus(new TargetKey("app", "http://a:9000"), false, "down");
        for (int k = 0; k < 200; k++) {
            Target now = pick(balancer, RequestKey.ofClient("k" + k));
            assertThat(now.host()).isNotEqualTo("a");
            if (!home.get(k).host().equals("a")) {
                assertThat(now).isEqualTo(home.get(k));
            }
        }
        states.setStatus(new TargetKey("app", "http://a:9000"), true, "up");
        for (int k = 0; k < 200; k++) {
            assertThat(pick(balancer, RequestKey.ofClient("k" + k))).isEqualTo(home.get(k));
        }
    }

    @Test
    void stateSurvivesARebuildForTargetsThatDidNotChange() {
        Upstream one = upstream(Policy.ROUND_ROBIN, targets(1, 1));
        LoadBalancer old = LoadBalancer.of(one, states);
        Selection.Chosen held = hold(old);
        assertThat(held.target().host()).isEqualTo("a");
        states.setStatus(new TargetKey("app", "http://b:9001"), false, "down");

        LoadBalancer rebuilt = LoadBalancer.of(upstream(Policy.ROUND_ROBIN, targets(1, 1, 1)), states);

        assertThat(rebuilt.inFlight(0)).isEqualTo(1);
        assertThat(pick(rebuilt, RequestKey.NONE).host()).isNotEqualTo("b");
        held.lease().release(RequestOutcome.SUCCESS);
        assertThat(rebuilt.inFlight(0)).isZero();
    }

    @Test
    void roundRobinGoesOnWhereTheOldTableStopped() {
        LoadBalancer old = balancer(Policy.ROUND_ROBIN, targets(1, 1), states);
        assertThat(pick(old, RequestKey.NONE).host()).isEqualTo("a");

        LoadBalancer rebuilt = balancer(Policy.ROUND_ROBIN, targets(1, 1), states);

        assertThat(pick(rebuilt, RequestKey.NONE).host()).isEqualTo("b");
    }

    @Test
    void aLeaseReleasedTwiceCountsOnce() {
        LoadBalancer balancer = balancer(Policy.ROUND_ROBIN, targets(1), states);
        Selection.Chosen held = hold(balancer);
        hold(balancer);

        held.lease().release(RequestOutcome.SUCCESS);
        held.lease().release(RequestOutcome.SUCCESS);

        assertThat(balancer.inFlight(0)).isEqualTo(1);
    }

    @Test
    void sixteenConcurrentRequestsOnFourSlotsGetExactlyFourAndTheRestAreToldAllFull() throws Exception {
        List<Target> limited = targets(1, 1).stream().map(t -> t.withLimits(2, false)).toList();
        LoadBalancer balancer = balancer(Policy.LEAST_REQUESTS, limited, states);
        int threads = 16;
        java.util.concurrent.CyclicBarrier selected = new java.util.concurrent.CyclicBarrier(threads);
        java.util.concurrent.CyclicBarrier released = new java.util.concurrent.CyclicBarrier(threads);
        java.util.concurrent.ConcurrentLinkedQueue<Integer> chosenPerRound = new java.util.concurrent.ConcurrentLinkedQueue<>();
        java.util.concurrent.atomic.AtomicInteger[] chosen = new java.util.concurrent.atomic.AtomicInteger[50];
        for (int r = 0; r < chosen.length; r++) {
            chosen[r] = new java.util.concurrent.atomic.AtomicInteger();
        }
        try (var pool = java.util.concurrent.Executors.newFixedThreadPool(threads)) {
            List<java.util.concurrent.Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                done.add(pool.submit(() -> {
                    for (int round = 0; round < chosen.length; round++) {
                        Selection selection = balancer.select(RequestKey.NONE);
                        if (selection instanceof Selection.Chosen) {
                            chosen[round].incrementAndGet();
                        } else {
                            assertThat(selection).isEqualTo(Selection.AllFull.INSTANCE);
                        }
                        selected.await(); // every request holds its target until all have chosen
                        if (selection instanceof Selection.Chosen held) {
                            held.lease().release(RequestOutcome.SUCCESS);
                        }
                        released.await();
                    }
                    return null;
                }));
            }
            for (java.util.concurrent.Future<?> future : done) {
                future.get();
            }
        }
        for (java.util.concurrent.atomic.AtomicInteger round : chosen) {
            chosenPerRound.add(round.get());
        }

        assertThat(chosenPerRound).containsOnly(4);
        assertThat(balancer.inFlight(0) + balancer.inFlight(1)).isZero();
    }
}
