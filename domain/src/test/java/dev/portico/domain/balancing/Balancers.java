package dev.portico.domain.balancing;

import dev.portico.domain.health.RequestOutcome;
import dev.portico.domain.health.TargetStates;
import dev.portico.domain.model.HashOn;
import dev.portico.domain.model.PassiveHealth;
import dev.portico.domain.model.Policy;
import dev.portico.domain.model.RequestKey;
import dev.portico.domain.model.RetryPolicy;
import dev.portico.domain.model.Target;
import dev.portico.domain.model.Upstream;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Builders for balancer tests: targets named a, b, c, ... by host. */
final class Balancers {
    private Balancers() {
    }

    static List<Target> targets(int... weights) {
        List<Target> targets = new ArrayList<>();
        for (int i = 0; i < weights.length; i++) {
            targets.add(new Target("http", String.valueOf((char) ('a' + i)), 9000 + i, "", weights[i]));
        }
        return targets;
    }

    static Upstream upstream(Policy policy, List<Target> targets) {
        return upstream(policy, HashOn.CLIENT_IP, targets);
    }

    static Upstream upstream(Policy policy, HashOn hashOn, List<Target> targets) {
        return new Upstream("app", targets, policy, hashOn, Optional.empty(), PassiveHealth.DEFAULT, RetryPolicy.DEFAULT);
    }

    /** Chooses and at once releases, as a stream of short requests would. */
    static Target pick(LoadBalancer balancer, RequestKey key) {
        return switch (balancer.select(key)) {
            case Selection.Chosen chosen -> {
                chosen.lease().release(dev.portico.domain.health.RequestOutcome.SUCCESS);
                yield chosen.target();
            }
            case Selection.AllFull full -> throw new AssertionError("all full");
            case Selection.NoneAvailable none -> throw new AssertionError("none available");
        };
    }

    static Selection.Chosen hold(LoadBalancer balancer) {
        return (Selection.Chosen) balancer.select(RequestKey.NONE);
    }

    static LoadBalancer balancer(Policy policy, List<Target> targets, TargetStates states) {
        return LoadBalancer.of(upstream(policy, targets), states);
    }
}
