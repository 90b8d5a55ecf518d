package dev.portico.domain.balancing;

import dev.portico.domain.health.TargetStates;
import dev.portico.domain.model.Policy;
import dev.portico.domain.model.RequestKey;
import dev.portico.domain.model.Target;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import static dev.portico.domain.balancing.Balancers.pick;
import static dev.portico.domain.balancing.Balancers.targets;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SmoothWeightedRoundRobinTest {
    private final TargetStates states = TargetStates.systemClock();

    private LoadBalancer roundRobin(List<Target> targets) {
        return Balancers.balancer(Policy.ROUND_ROBIN, targets, states);
    }

    static String picks(LoadBalancer balancer, int count) {
        StringBuilder picked = new StringBuilder();
        for (int i = 0; i < count; i++) {
            picked.append(pick(balancer, RequestKey.NONE).host());
        }
        return picked.toString();
    }

    @Test
    void weightsFiveOneOneGiveTheSmoothNginxOrderInEveryCycle() {
        LoadBalancer balancer = roundRobin(targets(5, 1, 1));

        assertThat(picks(balancer, 21)).isEqualTo("aabacaa".repeat(3));
    }

    @ParameterizedTest(name = "weights {0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            1           | a
            1,1         | ab
            3,3         | ab
            1,1,1       | abc
            3,1         | aaba
            300,100     | aaba
            0,1         | b
            2,0,1       | aca
            1,0,0,1     | ad
            0,0,7       | c
            """)
    void cyclesThroughTargetsInProportionToTheirWeights(String weights, String cycle) {
        int[] w = Arrays.stream(weights.split(",")).mapToInt(Integer::parseInt).toArray();
        LoadBalancer balancer = roundRobin(targets(w));

        assertThat(picks(balancer, cycle.length() * 4)).isEqualTo(cycle.repeat(4));
    }

    @Test
    void threeToOneOverFourThousandPicksIsExactlyThreeThousandToOneThousand() {
        LoadBalancer balancer = roundRobin(targets(3, 1));
        Map<String, Integer> counts = new HashMap<>();

        for (int i = 0; i < 4000; i++) {
            counts.merge(pick(balancer, RequestKey.NONE).host(), 1, Integer::sum);
        }

        assertThat(counts).containsExactlyInAnyOrderEntriesOf(Map.of("a", 3000, "b", 1000));
    }

    @Test
    void neverChoosesATargetOfWeightZero() {
        LoadBalancer balancer = roundRobin(targets(0, 2, 0, 1000, 0));

        assertThat(picks(balancer, 5000)).doesNotContain("a", "c", "e").contains("b", "d");
    }

    @Test
    void keepsTheExactDistributionOverWholeCyclesUnderConcurrentPicks() throws Exception {
        LoadBalancer balancer = roundRobin(targets(5, 1, 1));
        int threads = 16;
        int cyclesPerThread = 2_000;
        Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> done = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            for (int t = 0; t < threads; t++) {
                done.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < cyclesPerThread * 7; i++) {
                        counts.computeIfAbsent(pick(balancer, RequestKey.NONE).host(), k -> new AtomicInteger()).incrementAndGet();
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> future : done) {
                future.get();
            }
        }
        int cycles = threads * cyclesPerThread;

        assertThat(counts).hasSize(3);
        assertThat(counts.get("a")).hasValue(5 * cycles);
        assertThat(counts.get("b")).hasValue(cycles);
        assertThat(counts.get("c")).hasValue(cycles);
        // Whole cycles were consumed, so the next picks start a fresh one.
        assertThat(picks(balancer, 7)).isEqualTo("aabacaa");
    }

    @Test
    void listsEveryTargetInTheOrderConfiguredIncludingWeightZero() {
        List<Target> targets = targets(0, 3, 1);

        assertThat(roundRobin(targets).targets()).containsExactlyElementsOf(targets);
    }

    @Test
    void refusesTargetsWithoutAPositiveWeight() {
        assertThatThrownBy(() -> roundRobin(targets())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> roundRobin(targets(0, 0))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void handlesTheLargestUpstreamAllowed() {
        int[] weights = IntStream.range(0, 256).map(i -> Target.MAX_WEIGHT - i).toArray();
        List<Target> targets = new ArrayList<>();
        for (int i = 0; i < weights.length; i++) {
            targets.add(new Target("http", "h" + i, 1 + i, "", weights[i]));
        }
        LoadBalancer balancer = roundRobin(targets);
        int total = Arrays.stream(weights).sum();
        Map<Target, Integer> counts = new HashMap<>();

        for (int i = 0; i < total; i++) {
            counts.merge(pick(balancer, RequestKey.NONE), 1, Integer::sum);
        }

        for (int i = 0; i < weights.length; i++) {
            assertThat(counts.get(targets.get(i))).as("target %d", i).isEqualTo(weights[i]);
        }
    }
}
