package dev.portico.domain.port;

import dev.portico.domain.model.Route;

import java.util.List;
import java.util.Optional;

/** Inbound port of the admin API: routes by name. A 2xx-worthy outcome means committed and live. */
public interface ManageRoutes {

    List<Route> routes();

    Optional<Route> route(String name);

    PutOutcome<Route> putRoute(String name, Route.RouteSpec spec);

    Deletion deleteRoute(String name);
}
