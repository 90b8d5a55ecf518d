package dev.portico.domain.balancing;

import dev.portico.domain.health.TargetStates;
import dev.portico.domain.model.RequestKey;
import dev.portico.domain.model.Upstream;

import java.util.concurrent.ThreadLocalRandom;
import java.util.function.IntPredicate;

/**
 * Fewest requests in flight relative to weight. With few candidates all are compared (from a random start, so ties
 * spread); with more than {@value #SCAN_LIMIT}, two chosen at random are (power of two choices), which avoids the
 * herd that "always the least loaded" causes when many balancers read the same counts.
 */
public final class LeastRequests extends LoadBalancer {
    static final int SCAN_LIMIT = 8;

    LeastRequests(Upstream upstream, TargetStates registry) {
        super(upstream, registry);
    }

    @Override
    int pick(RequestKey key, IntPredicate eligible) {
        int[] candidates = new int[targets.length];
        int n = 0;
        for (int i = 0; i < targets.length; i++) {
            if (eligible.test(i) && targets[i].weight() > 0) {
                candidates[n++] = i;
            }
        }
        if (n == 0) {
            return -1;
        }
        ThreadLocalRandom random = ThreadLocalRandom.current();
        if (n > SCAN_LIMIT) {
            int first = random.nextInt(n);
            int second = random.nextInt(n - 1);
            if (second >= first) {
                second++; // two distinct candidates
            }
            return lessLoaded(candidates[first], candidates[second]);
        }
        int start = random.nextInt(n);
        int best = candidates[start];
        for (int k = 1; k < n; k++) {
            best = lessLoaded(best, candidates[(start + k) % n]);
        }
        return best;
    }

    /** {@code a} unless {@code b} has fewer in flight per unit of weight; compared by cross-multiplying. */
    private int lessLoaded(int a, int b) {
        long loadA = (long) states[a].inFlight() * targets[b].weight();
        long loadB = (long) states[b].inFlight() * targets[a].weight();
        return loadB < loadA ? b : a;
    }
}
