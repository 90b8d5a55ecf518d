package dev.portico.domain.balancing;

import dev.portico.domain.health.RequestOutcome;
import dev.portico.domain.health.TargetState;
import dev.portico.domain.model.PassiveHealth;
import dev.portico.domain.model.Target;

import java.util.concurrent.atomic.AtomicBoolean;

/** One request's hold on a target: counted in flight until released with the outcome passive health learns from. */
public final class Lease {
    private final Target target;
    private final TargetState state;
    private final PassiveHealth passive;
    private final AtomicBoolean released = new AtomicBoolean();

    Lease(Target target, TargetState state, PassiveHealth passive) {
        this.target = target;
        this.state = state;
        this.passive = passive;
    }

    public Target target() {
        return target;
    }

    /** Ends the hold; later calls do nothing, so a finally block and an error path may both call it. */
    public void release(RequestOutcome outcome) {
        if (released.compareAndSet(false, true)) {
            state.release();
            state.record(outcome, passive);
        }
    }
}
