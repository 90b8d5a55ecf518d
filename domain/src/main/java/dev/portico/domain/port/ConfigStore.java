package dev.portico.domain.port;

import dev.portico.domain.model.Configuration;
import dev.portico.domain.model.Route;
import dev.portico.domain.model.Upstream;

import java.util.List;
import java.util.Optional;

/**
 * Outbound port: where routes and upstreams are kept. Every write is one transaction that also increments the
 * configuration revision, so that writes are totally ordered and other nodes sharing the store can see them.
 * Implementations must be safe for concurrent use and durable once a write method returns.
 */
public interface ConfigStore {

    /** Everything, read in one transaction, with the revision it reflects. */
    Configuration load();

    /** The current revision: cheap enough to poll. */
    long revision();

    List<Upstream> upstreams();

    Optional<Upstream> upstream(String name);

    List<Route> routes();

    Optional<Route> route(String name);

    /** Creates or replaces an upstream (its targets as given, in order). */
    StoreWrite.Written saveUpstream(Upstream upstream);

    /** Deletes an upstream unless a route still uses it. */
    Deletion deleteUpstream(String name);

    /** Creates or replaces a route, unless its upstream does not exist. */
    StoreWrite saveRoute(Route route);

    Deletion deleteRoute(String name);
}
