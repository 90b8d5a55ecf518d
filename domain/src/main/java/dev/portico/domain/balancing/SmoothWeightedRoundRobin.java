package dev.portico.domain.balancing;

import dev.portico.domain.model.Target;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * nginx's smooth weighted round robin: weights 5:1:1 give a,a,b,a,c,a,a rather than bursts.
 * The whole cycle is computed once when the routing table is built, so picking is one atomic increment.
 */
public final class SmoothWeightedRoundRobin implements LoadBalancer {
    private final List<Target> targets;
    private final Target[] cycle;
    private final AtomicLong counter = new AtomicLong();

    private SmoothWeightedRoundRobin(List<Target> targets, Target[] cycle) {
        this.targets = targets;
        this.cycle = cycle;
    }

    public static SmoothWeightedRoundRobin of(List<Target> targets) {
        List<Target> copy = List.copyOf(targets);
        int divisor = 0;
        for (Target t : copy) {
            divisor = gcd(divisor, t.weight());
        }
        if (divisor == 0) {
            throw new IllegalArgumentException("round robin needs a target with a positive weight");
        }
        int n = copy.size();
        int[] weight = new int[n];
        int total = 0;
        for (int i = 0; i < n; i++) {
            weight[i] = copy.get(i).weight() / divisor;
            total += weight[i];
        }
        Target[] cycle = new Target[total];
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
            cycle[step] = copy.get(best);
        }
        return new SmoothWeightedRoundRobin(copy, cycle);
    }

    private static int gcd(int a, int b) {
        return b == 0 ? a : gcd(b, a % b);
    }

    @Override
    public Target next() {
        return cycle[(int) Long.remainderUnsigned(counter.getAndIncrement(), cycle.length)];
    }

    @Override
    public List<Target> targets() {
        return targets;
    }
}
