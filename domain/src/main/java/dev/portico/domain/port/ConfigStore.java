package dev.portico.domain.port;

import dev.portico.domain.model.Configuration;
import dev.portico.domain.model.ConfigurationContent;
import dev.portico.domain.model.ConfigurationStatus;
import dev.portico.domain.model.Route;
import dev.portico.domain.model.Stored;
import dev.portico.domain.model.Upstream;

import java.util.List;
import java.util.Optional;

/**
 * Outbound port: where routes and upstreams are kept. Every write is one transaction that also increments the
 * configuration revision, records the resource's new revision (its version), and adds an entry to the audit log, so
 * that writes are totally ordered, other nodes sharing the store can see them, and the log holds exactly the
 * committed changes. A write's {@link Precondition} is checked inside that transaction, after concurrent writers
 * have been queued, so that the check and the write are atomic. Implementations must be safe for concurrent use and
 * durable once a write method returns.
 */
public interface ConfigStore {

    /** Everything, read in one transaction, with the revision it reflects. */
    Configuration load();

    /** The current revision: cheap enough to poll. */
    long revision();

    /** The revision, when it was committed, and how many routes and upstreams there are, read in one transaction. */
    ConfigurationStatus status();

    List<Upstream> upstreams();

    /** The upstream with the revision at which it was last written. */
    Optional<Stored<Upstream>> storedUpstream(String name);

    default Optional<Upstream> upstream(String name) {
        return storedUpstream(name).map(Stored::value);
    }

    List<Route> routes();

    /** The route with the revision at which it was last written. */
    Optional<Stored<Route>> storedRoute(String name);

    default Optional<Route> route(String name) {
        return storedRoute(name).map(Stored::value);
    }

    /** Creates or replaces an upstream (its targets as given, in order), if the precondition holds. */
    StoreWrite saveUpstream(Upstream upstream, Precondition precondition, Change change);

    /** Deletes an upstream unless a route still uses it, if the precondition holds. */
    Deletion deleteUpstream(String name, Precondition precondition, Change change);

    /** Creates or replaces a route, unless its upstream does not exist, if the precondition holds. */
    StoreWrite saveRoute(Route route, Precondition precondition, Change change);

    /** Deletes a route, if the precondition holds. */
    Deletion deleteRoute(String name, Precondition precondition, Change change);

    /**
     * Makes {@code wanted} the whole configuration in one transaction, incrementing the revision once: deletes what
     * it lacks, writes what it changes, and leaves the rest (and the revision each was last written at) alone. The
     * precondition is on the global revision. When nothing would change, nothing is written.
     */
    Replacement replaceAll(ConfigurationContent wanted, Precondition precondition, Change change);

    /** Creates or replaces an upstream unconditionally, on Portico's own account ({@link Change#SYSTEM}). */
    default StoreWrite.Written saveUpstream(Upstream upstream) {
        return (StoreWrite.Written) saveUpstream(upstream, Precondition.Unconditional.INSTANCE, Change.SYSTEM);
    }

    /** Deletes an upstream unconditionally, on Portico's own account. */
    default Deletion deleteUpstream(String name) {
        return deleteUpstream(name, Precondition.Unconditional.INSTANCE, Change.SYSTEM);
    }

    /** Creates or replaces a route unconditionally, on Portico's own account. */
    default StoreWrite saveRoute(Route route) {
        return saveRoute(route, Precondition.Unconditional.INSTANCE, Change.SYSTEM);
    }

    /** Deletes a route unconditionally, on Portico's own account. */
    default Deletion deleteRoute(String name) {
        return deleteRoute(name, Precondition.Unconditional.INSTANCE, Change.SYSTEM);
    }
}
