package dev.portico.domain.balancing;

import dev.portico.domain.health.TargetStates;
import dev.portico.domain.model.RequestKey;
import dev.portico.domain.model.Target;
import dev.portico.domain.model.Upstream;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntPredicate;

/**
 * nginx's smooth weighted round robin: weights 5:1:1 give a,a,b,a,c,a,a rather than bursts.
 * The whole cycle is computed once when the routing table is built, so picking is one atomic increment; a target
 * that cannot take the request is passed over for the next one in the cycle. The position lives in the registry,
 * so a rebuilt table goes on where the old one stopped.
 */
public final class SmoothWeightedRoundRobin extends LoadBalancer {
    private final int[] cycle;
    private final AtomicLong counter;

    SmoothWeightedRoundRobin(Upstream upstream, TargetStates registry) {
        super(upstream, registry);
        this.cycle = cycle(upstream.targets());
        this.counter = registry.sequence(upstream.name());
    }

    /** Target indexes in nginx's order for one full round of the weights (reduced by their common divisor). */
    static int[] cycle(List<Target> targets) {
        int divisor = 0;
        for (Target t : targets) {
            divisor = gcd(divisor, t.weight());
        }
        int n = targets.size();
        int[] weight = new int[n];
        int total = 0;
        for (int i = 0; i < n; i++) {
            weight[i] = targets.get(i).weight() / divisor;
            total += weight[i];
        }
        int[] cycle = new int[total];
        int[] current = new int[n];
        for (int step = 0; step < total; step++) {
            int best = -1;
            for (int i = 0; i < n; i++) {
                current[i] += weight[i];
                if (weight[i] > 0 && (best < 0 || current[i] > current[best])) {
                    best = i;
                }
            }
            current[best] -= total;
            cycle[step] = best;
        }
        return cycle;
    }

    private static int gcd(int a, int b) {
        return b == 0 ? a : gcd(b, a % b);
    }

    /**
     * The target whose turn it is; when that one cannot take the request, a turn drawn at random among the cycle's,
     * so that the others share its requests by their weights. Taking the next turn in the cycle instead would hand
     * all of a dead target's share to the one after it (measured: 67 % on one of two survivors).
     */
    @Override
    int pick(RequestKey key, IntPredicate eligible) {
        int turn = cycle[(int) Long.remainderUnsigned(counter.getAndIncrement(), cycle.length)];
        if (eligible.test(turn)) {
            return turn;
        }
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int tries = 0; tries < RANDOM_TRIES; tries++) {
            int drawn = cycle[random.nextInt(cycle.length)];
            if (eligible.test(drawn)) {
                return drawn;
            }
        }
        // few of many targets can take it: look at every turn, from a random one
        int from = random.nextInt(cycle.length);
        for (int k = 0; k < cycle.length; k++) {
            int i = cycle[(from + k) % cycle.length];
            if (eligible.test(i)) {
                return i;
            }
        }
        return -1;
    }

    private static final int RANDOM_TRIES = 16;
}
