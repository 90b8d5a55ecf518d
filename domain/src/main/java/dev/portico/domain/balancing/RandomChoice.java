package dev.portico.domain.balancing;

import dev.portico.domain.health.TargetStates;
import dev.portico.domain.model.RequestKey;
import dev.portico.domain.model.Target;
import dev.portico.domain.model.Upstream;

import java.util.concurrent.ThreadLocalRandom;
import java.util.function.IntPredicate;

/** A weighted random target. */
public final class RandomChoice extends LoadBalancer {

    RandomChoice(Upstream upstream, TargetStates registry) {
        super(upstream, registry);
    }

    @Override
    int pick(RequestKey key, IntPredicate eligible) {
        return weightedRandom(targets, eligible);
    }

    /** Shared with the hash policy, which falls back to it for requests without a key. */
    static int weightedRandom(dev.portico.domain.model.Target[] targets, IntPredicate eligible) {
        long total = 0;
        for (int i = 0; i < targets.length; i++) {
            if (eligible.test(i)) {
                total += targets[i].weight();
            }
        }
        if (total == 0) {
            return -1;
        }
        long r = ThreadLocalRandom.current().nextLong(total);
        for (int i = 0; i < targets.length; i++) {
            // Re-testing is cheap and a target's eligibility may change meanwhile; the last eligible one takes the rest.
            if (eligible.test(i)) {
                r -= targets[i].weight();
                if (r < 0) {
                    return i;
                }
            }
        }
        for (int i = targets.length - 1; i >= 0; i--) {
            if (eligible.test(i)) {
                return i;
            }
        }
        return -1;
    }
}
