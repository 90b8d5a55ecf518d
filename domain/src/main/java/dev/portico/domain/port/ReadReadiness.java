package dev.portico.domain.port;

import dev.portico.domain.model.Readiness;

/** Whether this node should be sent traffic: for load balancers' and orchestrators' probes. */
@FunctionalInterface
public interface ReadReadiness {
    Readiness readiness();
}
