package dev.portico.domain.balancing;

import dev.portico.domain.health.TargetStates;
import dev.portico.domain.model.HashOn;
import dev.portico.domain.model.RequestKey;
import dev.portico.domain.model.Upstream;

import java.nio.charset.StandardCharsets;
import java.util.function.IntPredicate;

/**
 * Weighted rendezvous (highest random weight) hashing on the request's key: each target scores the key, the highest
 * score wins. A key moves only when its winner leaves or becomes unavailable, and then to its second choice, so
 * removing one of n targets moves exactly the keys that were on it (about 1/n) and adding one takes about 1/(n+1).
 * No ring to rebuild, no virtual nodes to tune; n is small (at most 256). Requests without a key go to a weighted
 * random target.
 */
public final class ConsistentHash extends LoadBalancer {
    private final HashOn hashOn;
    private final long[] seeds;

    ConsistentHash(Upstream upstream, TargetStates registry) {
        super(upstream, registry);
        this.hashOn = upstream.hashOn();
        this.seeds = new long[targets.length];
        for (int i = 0; i < targets.length; i++) {
            // By URL, not position: reordering or removing other targets leaves a target's scores unchanged.
            seeds[i] = hash(targets[i].url());
        }
    }

    @Override
    int pick(RequestKey key, IntPredicate eligible) {
        String value = hashOn.keyOf(key);
        if (value == null) {
            return RandomChoice.weightedRandom(targets, eligible);
        }
        long keyHash = hash(value);
        int best = -1;
        double bestScore = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < targets.length; i++) {
            if (!eligible.test(i) || targets[i].weight() <= 0) {
                continue;
            }
            double score = score(keyHash, seeds[i], targets[i].weight());
            if (score > bestScore) {
                best = i;
                bestScore = score;
            }
        }
        return best;
    }

    /** Weighted rendezvous score: -weight / ln(u) for u uniform in (0,1) drawn from the pair's hash. */
    static double score(long keyHash, long targetSeed, int weight) {
        long mixed = mix(keyHash ^ mix(targetSeed));
        double u = ((mixed >>> 11) + 1) * 0x1.0p-53; // in (0, 1]
        return u >= 1.0 ? Double.POSITIVE_INFINITY : -weight / Math.log(u);
    }

    /** FNV-1a over UTF-8, finished with a mixer so that similar keys spread. */
    static long hash(String value) {
        long h = 0xcbf29ce484222325L;
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        return mix(h);
    }

    /** SplitMix64's finaliser. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
