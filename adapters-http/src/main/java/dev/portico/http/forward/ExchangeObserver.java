package dev.portico.http.forward;

import dev.portico.domain.model.Target;
import dev.portico.domain.routing.ResolvedRoute;
import dev.portico.http.upstream.UpstreamFailure;

/**
 * Hears how each forwarded request ended, keeping the upstream's faults apart from the client's. Tests record what it
 * hears; production passes {@link #NONE} for now (passive health is fed through the balancer's leases), and metrics
 * are to hear it here. Called on the request's thread; implementations must not block.
 */
public interface ExchangeObserver {
    ExchangeObserver NONE = new ExchangeObserver() {
    };

    /** The upstream's response was relayed in full; {@code status} is the upstream's. */
    default void forwarded(ResolvedRoute route, Target target, int status) {
    }

    /** The upstream failed; a response started before {@link UpstreamFailure#ABORTED_RESPONSE} was cut off. */
    default void upstreamFailed(ResolvedRoute route, Target target, UpstreamFailure failure) {
    }

    /** An attempt failed in a way the upstream's retry policy allows to try again, on another target if it has one. */
    default void retried(ResolvedRoute route, Target target, UpstreamFailure failure) {
    }

    /** The client went away (mid-upload or mid-download); not the upstream's fault. */
    default void clientAborted(ResolvedRoute route, Target target) {
    }
}
