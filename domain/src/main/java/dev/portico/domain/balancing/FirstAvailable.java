package dev.portico.domain.balancing;

import dev.portico.domain.health.TargetStates;
import dev.portico.domain.model.RequestKey;
import dev.portico.domain.model.Upstream;

import java.util.function.IntPredicate;

/** The first target in configured order that can take the request: active/standby failover. */
public final class FirstAvailable extends LoadBalancer {

    FirstAvailable(Upstream upstream, TargetStates registry) {
        super(upstream, registry);
    }

    @Override
    int pick(RequestKey key, IntPredicate eligible) {
        for (int i = 0; i < targets.length; i++) {
            if (eligible.test(i)) {
                return i;
            }
        }
        return -1;
    }
}
