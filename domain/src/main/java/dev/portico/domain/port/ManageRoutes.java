package dev.portico.domain.port;

import dev.portico.domain.model.Route;
import dev.portico.domain.model.Stored;

import java.util.List;
import java.util.Optional;

/** Inbound port of the admin API: routes by name. A 2xx-worthy outcome means committed and live. */
public interface ManageRoutes {

    List<Route> routes();

    Optional<Route> route(String name);

    /** The route with the revision it was last written at (its ETag). */
    Optional<Stored<Route>> storedRoute(String name);

    PutOutcome<Route> putRoute(String name, Route.RouteSpec spec, Precondition precondition, Change change);

    Deletion deleteRoute(String name, Precondition precondition, Change change);

    /** An unconditional put on Portico's own account. */
    default PutOutcome<Route> putRoute(String name, Route.RouteSpec spec) {
        return putRoute(name, spec, Precondition.Unconditional.INSTANCE, Change.SYSTEM);
    }

    /** An unconditional delete on Portico's own account. */
    default Deletion deleteRoute(String name) {
        return deleteRoute(name, Precondition.Unconditional.INSTANCE, Change.SYSTEM);
    }
}
